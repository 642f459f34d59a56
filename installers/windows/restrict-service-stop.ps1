# Run once after install (the MSI's RestrictServiceStop custom action runs it; GPO can too): only SYSTEM and Administrators may stop, pause or
# reconfigure the MamoriAgent service; interactive users can only query it. Stopping still records STOPPED.
# SDDL: SY and BA full control; IU and SU read/query only (no WP = stop, no DC = change config).
$ErrorActionPreference = 'Stop'
sc.exe sdset MamoriAgent 'D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)'
if ($LASTEXITCODE -ne 0) { throw "sc.exe sdset failed with $LASTEXITCODE" }

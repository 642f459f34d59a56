# Run by the MSI (as SYSTEM). -Enable on install: turns on Microsoft-Windows-PrintService/Operational, which print
# monitoring reads and Windows ships disabled, and notes that it did so. -Revert on removal: turns it off again
# only if that note is there, so a PC whose administrator had the log on keeps it on. Each run says what it did.
param([switch]$Enable, [switch]$Revert)
$ErrorActionPreference = 'Stop'
$channel = 'Microsoft-Windows-PrintService/Operational'
$note = 'HKLM:\SOFTWARE\Mamori\Agent'
if ($Enable) {
  if ((Get-WinEvent -ListLog $channel).IsEnabled) { Write-Output "$channel was already enabled: left as it was"; exit 0 }
  & wevtutil.exe sl $channel /e:true
  if ($LASTEXITCODE -ne 0) { throw "wevtutil sl $channel /e:true failed with $LASTEXITCODE" }
  New-Item -Path $note -Force | Out-Null
  New-ItemProperty -Path $note -Name 'EnabledPrintServiceLog' -Value 1 -PropertyType DWord -Force | Out-Null
  Write-Output "$channel enabled (disabled again on uninstall)"
}
if ($Revert) {
  $noted = (Get-ItemProperty -Path $note -Name 'EnabledPrintServiceLog' -ErrorAction SilentlyContinue).EnabledPrintServiceLog
  if ($noted -ne 1) { Write-Output "$channel left as it was (enabled before Mamori, or never by it)"; exit 0 }
  & wevtutil.exe sl $channel /e:false
  if ($LASTEXITCODE -ne 0) { throw "wevtutil sl $channel /e:false failed with $LASTEXITCODE" }
  Remove-Item -Path 'HKLM:\SOFTWARE\Mamori' -Recurse -Force
  Write-Output "$channel disabled again (Mamori had enabled it)"
}

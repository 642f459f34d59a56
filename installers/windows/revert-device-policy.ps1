# GENERATED from agent/src/control/win32/device-install-policy.ts (uninstallPlan); do not edit by hand.
# Run by the MSI on uninstall (as SYSTEM): removes every device-installation restriction and the Deny_Write
# value the agent wrote, sets the USB storage driver back to on-demand and lets Windows retry refused devices.
# reg.exe delete fails harmlessly for values that are not there.
& reg.exe 'delete' 'HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions' '/v' 'AllowInstanceIDs' '/f' 2>$null | Out-Null
& reg.exe 'delete' 'HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions\AllowInstanceIDs' '/f' 2>$null | Out-Null
& reg.exe 'delete' 'HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions' '/v' 'DenyInstanceIDs' '/f' 2>$null | Out-Null
& reg.exe 'delete' 'HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions' '/v' 'DenyInstanceIDsRetroactive' '/f' 2>$null | Out-Null
& reg.exe 'delete' 'HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions\DenyInstanceIDs' '/f' 2>$null | Out-Null
& reg.exe 'delete' 'HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions' '/v' 'DenyDeviceIDs' '/f' 2>$null | Out-Null
& reg.exe 'delete' 'HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions' '/v' 'DenyDeviceIDsRetroactive' '/f' 2>$null | Out-Null
& reg.exe 'delete' 'HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions\DenyDeviceIDs' '/f' 2>$null | Out-Null
& reg.exe 'delete' 'HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions' '/v' 'AllowDenyLayered' '/f' 2>$null | Out-Null
& reg.exe 'delete' 'HKLM\SOFTWARE\Policies\Microsoft\Windows\RemovableStorageDevices\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}' '/v' 'Deny_Write' '/f' 2>$null | Out-Null
& reg.exe 'add' 'HKLM\SYSTEM\CurrentControlSet\Services\USBSTOR' '/v' 'Start' '/t' 'REG_DWORD' '/d' '3' '/f' 2>$null | Out-Null
& pnputil.exe '/scan-devices' 2>$null | Out-Null

@echo off
rem Mamori native messaging host for Chrome / Edge on Windows. Chrome starts a host through cmd.exe, so a .bat
rem is a valid "path" in the host manifest; it runs the relay with the node.exe installed beside it. The relay
rem talks to the agent's named pipe \\.\pipe\mamori-browser, whose PowerShell host names this process's
rem parent chain (cmd.exe, then chrome.exe / msedge.exe) to the agent.
"%~dp0node.exe" "%~dp0mamori-native-host.mjs" %*

/** The event log channel Windows writes print jobs to (disabled by default; the MSI enables it). */
export const printServiceChannel = 'Microsoft-Windows-PrintService/Operational';

/** wevtutil arguments that enable the channel (what the MSI runs, as `wevtutil.exe` + these). */
export const enableChannelArgs = ['sl', printServiceChannel, '/e:true'] as const;

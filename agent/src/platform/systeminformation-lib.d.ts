// systeminformation ships types for its index only; these are the modules system-information.ts loads one by one.
declare module 'systeminformation/lib/util.js' {
  export function getCodepage(): string;
  export function getPowershell(): string;
}
declare module 'systeminformation/lib/osinfo.js' {
  export const osInfo: typeof import('systeminformation').osInfo;
  export const uuid: typeof import('systeminformation').uuid;
}
declare module 'systeminformation/lib/system.js' {
  export const system: typeof import('systeminformation').system;
}
declare module 'systeminformation/lib/cpu.js' {
  export const cpu: typeof import('systeminformation').cpu;
}
declare module 'systeminformation/lib/memory.js' {
  export const mem: typeof import('systeminformation').mem;
}
declare module 'systeminformation/lib/filesystem.js' {
  export const blockDevices: typeof import('systeminformation').blockDevices;
}
declare module 'systeminformation/lib/network.js' {
  export const networkInterfaces: typeof import('systeminformation').networkInterfaces;
}
declare module 'systeminformation/lib/users.js' {
  export const users: typeof import('systeminformation').users;
}

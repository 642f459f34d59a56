// Types for the parts of the `ipp` npm package (no bundled types) that the CUPS adapter uses.
declare module 'ipp' {
  interface IppMessage {
    version?: string;
    operation?: string;
    statusCode?: string;
    id?: number;
    [group: string]: unknown;
  }
  type UnknownTagHandler = (tag: number, name: string, length: number, read: (length: number) => string) => unknown;
  const ipp: {
    serialize(message: IppMessage): Buffer;
    parse: ((buffer: Buffer) => IppMessage) & { handleUnknownTag: UnknownTagHandler };
  };
  export = ipp;
}

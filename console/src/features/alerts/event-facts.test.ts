import { describe, expect, it } from 'vitest';
import { eventFacts } from './event-facts.ts';

describe('alert event facts', () => {
  it('reads a copy to USB: file, destination, size (int64 as text), device', () => {
    expect(eventFacts('file_copy', {
      destinationPath: '/media/usb/顧客名簿.xlsx', sizeBytes: '4096', sourcePath: '/home/tanaka/顧客名簿.xlsx',
      device: { vendor: 'SanDisk', product: 'Cruzer', serial: 'SN1', vendorId: '0781', productId: '5581' },
    })).toEqual({ file: '/home/tanaka/顧客名簿.xlsx', destination: '/media/usb/顧客名簿.xlsx', sizeBytes: 4096, device: 'SanDisk Cruzer #SN1', recipients: '' });
  });

  it('reads a mail: subject and attachments, sender, every recipient', () => {
    expect(eventFacts('mail', {
      subject: '見積', from: 'tanaka@corp.example', to: ['a@x.example'], cc: ['b@x.example'], bcc: ['c@x.example'], sizeBytes: 10, attachments: [{ fileName: 'q.pdf' }],
    })).toEqual({ file: '見積 · 📎 q.pdf', destination: 'tanaka@corp.example', sizeBytes: 10, device: '', recipients: 'a@x.example, b@x.example, c@x.example' });
  });

  it('reads uploads and print jobs, and gives blanks for kinds without these facts or a missing payload', () => {
    expect(eventFacts('upload', { fileName: 'list.csv', destinationUrl: 'https://drive.example/u', sizeBytes: 5 })).toMatchObject({ file: 'list.csv', destination: 'https://drive.example/u', sizeBytes: 5 });
    expect(eventFacts('print_job', { documentName: 'plan.pdf', printer: 'office-1' })).toMatchObject({ file: 'plan.pdf', destination: 'office-1', sizeBytes: null });
    expect(eventFacts('lifecycle', null)).toEqual({ file: '', destination: '', sizeBytes: null, device: '', recipients: '' });
  });
});

import { runSiemExportBench } from '../test/bench/siem-export.ts';
console.log(JSON.stringify(await runSiemExportBench()));

import type { RiskRepository } from './risk.ts';

/** Every feature's data access (the collector's one data path); each feature adds its repository here, one line. */
export interface Repositories {
  risk: RiskRepository;
}

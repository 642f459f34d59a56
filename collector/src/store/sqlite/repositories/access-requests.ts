import type Database from 'better-sqlite3';
import type { AccessDecision, AccessRequestRow, AccessRequestsRepository } from '../../repositories/access-requests.ts';
import { decideAccessRequest, getAccessRequest, listAccessRequests, markAnswerSent, undeliveredAnswers } from '../queries/access-requests.ts';

export class SqliteAccessRequestsRepository implements AccessRequestsRepository {
  constructor(private readonly db: Database.Database) {}
  async list(filter: { status?: string; pc?: string; limit: number }): Promise<AccessRequestRow[]> { return listAccessRequests(this.db, filter); }
  async get(id: number): Promise<AccessRequestRow | undefined> { return getAccessRequest(this.db, id); }
  async decide(id: number, decision: AccessDecision): Promise<boolean> { return decideAccessRequest(this.db, id, decision); }
  async undeliveredAnswers(options: { agentId?: string; neverSent?: boolean } = {}): Promise<AccessRequestRow[]> { return undeliveredAnswers(this.db, options); }
  async markAnswerSent(id: number, atMs: number): Promise<void> { markAnswerSent(this.db, id, atMs); }
}

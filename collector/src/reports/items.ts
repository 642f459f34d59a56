import type { ReportItem } from '@mamori/policies';

/** How an item is titled and what its numbers mean, in Japanese (the report's language) and English. */
export interface ItemLabels {
  ja: string;
  en: string;
  /** What the headline number counts. */
  totalJa: string;
  /** Column headings of the PDF table: category, detail, count, bytes (null = column not shown). */
  columns: { category: string | null; detail: string | null; count: string; bytes: boolean; time: boolean };
}

export const itemLabels: Record<ReportItem, ItemLabels> = {
  usb_use: {
    ja: 'USB利用状況（PC・利用者別）', en: 'USB use by PC and user', totalJa: 'USBへコピーされたファイル数',
    columns: { category: '種別', detail: '機器', count: '件数', bytes: true, time: false },
  },
  blocked_attempts: {
    ja: 'ブロックされた操作', en: 'Blocked attempts', totalJa: 'ブロック件数',
    columns: { category: '経路', detail: null, count: '件数', bytes: false, time: false },
  },
  off_hours: {
    ja: '業務時間外の操作', en: 'Off-hours activity', totalJa: '時間外の操作件数',
    columns: { category: '操作', detail: null, count: '件数', bytes: false, time: false },
  },
  external_mail_attachments: {
    ja: '添付ファイル付き社外メール', en: 'External mail with attachments', totalJa: '社外への添付付きメール数',
    columns: { category: null, detail: '添付', count: '通数', bytes: true, time: false },
  },
  personal_storage_uploads: {
    ja: '個人向けクラウドストレージへのアップロード', en: 'Uploads to personal storage', totalJa: 'アップロードされたファイル数',
    columns: { category: '送信先', detail: null, count: '件数', bytes: true, time: false },
  },
  large_prints: {
    ja: '大量印刷', en: 'Large prints', totalJa: '大量印刷ジョブ数',
    columns: { category: 'プリンター', detail: '文書名', count: 'ページ数', bytes: false, time: true },
  },
  content_findings: {
    ja: '内容検査の検出', en: 'Content findings', totalJa: '検出されたメール数',
    columns: { category: 'パターン', detail: '判定', count: '件数', bytes: false, time: false },
  },
  risk_scores: {
    ja: 'リスクスコア上位', en: 'Top risk scores', totalJa: 'アラートのしきい値に達した人数',
    columns: { category: '内訳（指標と点数）', detail: '最高点の日と主な理由', count: '最高スコア', bytes: false, time: false },
  },
  tamper_and_stops: {
    ja: '改ざん検知とエージェント停止', en: 'Tamper and agent stops', totalJa: '検知・停止の件数',
    columns: { category: '種別', detail: '区分', count: '件数', bytes: false, time: false },
  },
  admin_actions: {
    ja: '管理者の操作（監査ログ）', en: "Administrators' actions (audit chain)", totalJa: '監査ログの記録数',
    columns: { category: '操作', detail: '内容', count: '件数', bytes: false, time: true },
  },
};

/** The note a report carries for risk scores when the policy switches risk scoring off. */
export const riskScoresUnavailable = {
  ja: 'リスクスコアは算出されていません（ポリシーの risk.enabled が無効です）。',
  en: 'Risk scores are not computed: risk scoring is switched off in the policy (risk.enabled).',
};

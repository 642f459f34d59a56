// The collector's people-facing text (alert titles and descriptions, alert mail) in every language it writes.
// translation-completeness.test.ts fails when a key lacks a Japanese text or the placeholders differ.

/** A translatable text as stored data: a message key and its parameters (a parameter may itself be one). */
export interface Message {
  key: CollectorMessageKey;
  params?: Record<string, MessageParam>;
}
export type MessageParam = string | number | Message;

export const collectorEn = {
  // Alert titles
  'alert.ruleEvent': '{rule}: {what}',
  'alert.ruleThreshold': '{rule}: {total} {unit} in {window}',
  'alert.integrity': '{kind}: {detail}',
  'alert.offline': 'PCs offline at site {site} ({day})',
  'alert.sensorDegraded': '{sensor} monitoring off on {pc} since {since}: {detail}',
  'alert.risk': 'Risk score {score}: {detail}',
  'alert.riskJump': 'Risk score {score} (+{raw} on {day}): {detail}',
  // What one event was
  'event.file_copy': '{file} → {root}',
  'event.print_job': '{document} ({pages} pages on {printer})',
  'event.mail': 'to {to}',
  'event.mailAttachment': 'to {to}, 1 attachment',
  'event.mailAttachments': 'to {to}, {files} attachments',
  'rule': '{name}',
  'event.upload': '{file} → {host}',
  'event.device': '{device}',
  'event.lifecycle': '{kind} {detail}',
  'event.other': '{kind}',
  'event.findings': '{what} — {findings}',
  // Units of threshold rules
  'unit.files': 'files',
  'unit.jobs': 'jobs',
  'unit.mails': 'mails',
  'unit.uploads': 'uploads',
  'unit.devices': 'devices',
  'unit.events': 'events',
  'unit.pages': 'pages',
  'unit.bytes': 'bytes',
  'duration.d': '{n}d',
  'duration.h': '{n}h',
  'duration.m': '{n}m',
  'duration.s': '{n}s',
  // Severity words in mail subjects
  'severity.critical': 'CRITICAL',
  'severity.high': 'HIGH',
  'severity.medium': 'MEDIUM',
  'severity.low': 'LOW',
  'severity.info': 'INFO',
  // Alert mail
  'mail.pcUser': 'PC: {pc}   User: {user}',
  'mail.when': 'When: {time} ({zone})',
  'mail.whenRepeated': 'When: {time} ({zone}), {count} times until {until}',
  'mail.open': 'Open: {url}',
  'mail.times': '(x{count})',
  'mail.andMore': '… and {count} more: {url}',
  'mail.overflowSubject': '[{severity}] {count} more alerts',
  'mail.overflowSubjectOne': '[{severity}] 1 more alert',
  'mail.overflowIntro': '{count} more alerts while your mail limit was reached:',
  'mail.overflowIntroOne': '1 more alert while your mail limit was reached:',
  'mail.digestSubject.hourly': '[{severity}] Mamori hourly digest: {count} alerts',
  'mail.digestSubject.daily': '[{severity}] Mamori daily digest: {count} alerts',
  'mail.digestSubjectOne.hourly': '[{severity}] Mamori hourly digest: 1 alert',
  'mail.digestSubjectOne.daily': '[{severity}] Mamori daily digest: 1 alert',
} as const;

export type CollectorMessageKey = keyof typeof collectorEn;

export const collectorJa: Record<CollectorMessageKey, string> = {
  'alert.ruleEvent': '{rule}: {what}',
  'alert.ruleThreshold': '{rule}: {window} で {total} {unit}',
  'alert.integrity': '完全性の検出（{kind}）: {detail}',
  'alert.offline': '拠点 {site} の PC がオフライン（{day}）',
  'alert.sensorDegraded': '{pc} の {sensor} 監視が {since} から停止: {detail}',
  'alert.risk': 'リスクスコア {score}: {detail}',
  'alert.riskJump': 'リスクスコア {score}（{day} に +{raw}）: {detail}',
  'event.file_copy': '{file} → {root}',
  'event.print_job': '{document}（{printer} で {pages} ページ）',
  'event.mail': '宛先 {to}',
  'event.mailAttachment': '宛先 {to}、添付 1 件',
  'event.mailAttachments': '宛先 {to}、添付 {files} 件',
  'rule': '{name}',
  'event.upload': '{file} → {host}',
  'event.device': '{device}',
  'event.lifecycle': '{kind} {detail}',
  'event.other': '{kind}',
  'event.findings': '{what} — {findings}',
  'unit.files': 'ファイル',
  'unit.jobs': '件の印刷',
  'unit.mails': '通のメール',
  'unit.uploads': '件のアップロード',
  'unit.devices': '台のデバイス',
  'unit.events': '件',
  'unit.pages': 'ページ',
  'unit.bytes': 'バイト',
  'duration.d': '{n}日間',
  'duration.h': '{n}時間',
  'duration.m': '{n}分',
  'duration.s': '{n}秒',
  'severity.critical': '緊急',
  'severity.high': '高',
  'severity.medium': '中',
  'severity.low': '低',
  'severity.info': '情報',
  'mail.pcUser': 'PC: {pc}   ユーザー: {user}',
  'mail.when': '日時: {time}（{zone}）',
  'mail.whenRepeated': '日時: {time}（{zone}）、{until} までに {count} 回',
  'mail.open': '開く: {url}',
  'mail.times': '（{count} 回）',
  'mail.andMore': '… ほか {count} 件: {url}',
  'mail.overflowSubject': '[{severity}] ほかのアラート {count} 件',
  'mail.overflowSubjectOne': '[{severity}] ほかのアラート 1 件',
  'mail.overflowIntro': 'メールの上限に達していた間のアラート {count} 件:',
  'mail.overflowIntroOne': 'メールの上限に達していた間のアラート 1 件:',
  'mail.digestSubject.hourly': '[{severity}] Mamori 1時間のまとめ: アラート {count} 件',
  'mail.digestSubject.daily': '[{severity}] Mamori 1日のまとめ: アラート {count} 件',
  'mail.digestSubjectOne.hourly': '[{severity}] Mamori 1時間のまとめ: アラート 1 件',
  'mail.digestSubjectOne.daily': '[{severity}] Mamori 1日のまとめ: アラート 1 件',
};

/**
 * The default policy's alert rule names in Japanese (policies/default/alerts.yaml). A rule an admin named
 * themselves keeps its name in every language: it is their text, not ours.
 */
export const defaultRuleNamesJa: Record<string, string> = {
  'Agent stopped': 'エージェント停止',
  'Agent uninstalled': 'エージェントのアンインストール',
  'Agent journal lost events': 'エージェントのジャーナルでイベント欠落',
  'PC clock set back': 'PC の時計が戻された',
  'PC clock moved forward': 'PC の時計が進められた',
  'Unsent events discarded at uninstall': 'アンインストール時に未送信イベントを破棄',
  'USB device blocked': 'USB デバイスをブロック',
  'Bulk copy to USB': 'USB への大量コピー',
  'Copy to USB by a watched user': '要注意ユーザーによる USB へのコピー',
  'Large print job': '大量印刷',
  'Many pages printed in a day': '1日の印刷枚数が多い',
  'Mail attachment to an external domain': '外部ドメインへの添付ファイル付きメール',
  'Mail blocked by policy': 'ポリシーによりメールをブロック',
  'Sensitive content copied to USB': '機密内容を USB にコピー',
  'Sensitive content copied to cloud sync or a share': '機密内容をクラウド同期フォルダーまたは共有にコピー',
  'Content finding in a copied file': 'コピーしたファイルに内容検査の検出',
  'Sensitive content uploaded': '機密内容をアップロード',
  'Sensitive content sent by mail': '機密内容をメールで送信',
  'Upload to personal cloud storage': '個人用クラウドストレージへのアップロード',
  'Upload to a file transfer service': 'ファイル転送サービスへのアップロード',
  'Agents offline': 'エージェントのオフライン',
  'Risk score': 'リスクスコア',
};

/**
 * The Adaptive Card of a handoff request in the agents' Teams channel: topic, language,
 * waiting time, summary, and the actions that fit its state (take; hand back or close).
 * Buttons are Universal Actions (`Action.Execute`), answered by the bot's invoke handler.
 */
import type { TFunction } from 'i18next';
import type { HandoffRequest } from '../../storage/handoff-store';

/** The card for a request as it stands. */
export function requestCard(request: HandoffRequest, topicTitle: string | undefined, t: TFunction, now: Date = new Date()): Record<string, unknown> {
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(request.createdAt)) / 60000));
  const facts = [
    { title: t('teams.topic'), value: topicTitle ?? t('teams.noTopic') },
    { title: t('teams.language'), value: request.lang },
    { title: t('teams.waiting'), value: t('teams.minutes', { count: minutes }) },
  ];
  if (request.contact) facts.push({ title: t('teams.contact'), value: request.contact });
  const status =
    request.state === 'agent' && request.owner
      ? t('teams.takenBy', { name: request.owner.name })
      : request.state === 'closed' && request.owner
        ? t('teams.closedBy', { name: request.owner.name })
        : request.state === 'message'
          ? t('teams.messageLeft')
          : request.state === 'expired'
            ? t('teams.expired')
            : t('teams.newRequest');
  const data = { requestId: request.id };
  const actions =
    request.state === 'waiting'
      ? [{ type: 'Action.Execute', title: t('teams.take'), verb: 'take', data }]
      : request.state === 'agent'
        ? [
            { type: 'Action.Execute', title: t('teams.handBack'), verb: 'handback', data },
            { type: 'Action.Execute', title: t('teams.close'), verb: 'close', data },
          ]
        : [];
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: status, weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'FactSet', facts },
      { type: 'TextBlock', text: t('teams.summary'), weight: 'Bolder', wrap: true },
      // What the person wrote is shown as written: a TextRun is plain text (no Markdown links
      // or images, unlike a TextBlock), and it is a value, never card JSON.
      { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: (request.message ?? request.summary).slice(0, 1000) }] },
      ...(request.state === 'agent' ? [{ type: 'TextBlock', text: t('teams.commands'), isSubtle: true, wrap: true }] : []),
    ],
    actions,
  };
}

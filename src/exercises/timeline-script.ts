import type { Catalogue } from '../i18n/messages.ts';
import { SafeHtml } from '../web/html.ts';

/**
 * Templates of live timeline entries, one per entry kind, taken from the catalogue with
 * `{who}` and `{subject}` left for the browser to fill in.
 */
export function timelineLabels(c: Catalogue) {
  const t = c.exercises.timeline;
  const who = '{who}';
  const subject = '{subject}';

  return {
    kinds: {
      'inject-released': t.injectReleased(subject),
      delivered: t.delivered(who, subject),
      'delivery-failed': t.deliveryFailed(who, subject),
      acknowledged: t.alertAcknowledged(who, subject),
      answered: t.checkAnswered(who, subject),
      'request-acknowledged': t.requestAcknowledged(who, subject),
      'request-answered': t.requestAnswered(who, subject),
    },
    partner: t.partner,
  };
}

/**
 * Browser script of the controller's page. It opens the live event stream from the event id
 * read before the page's timeline, so no entry committed in between is missed, and appends each
 * `exercise` event of this exercise to the list. EventSource resends `Last-Event-ID` on
 * reconnect. The text is built with DOM text nodes, never parsed as HTML.
 */
export const timelineScript = new SafeHtml(`(() => {
  const list = document.getElementById('exercise-timeline');
  if (list === null || typeof EventSource === 'undefined') return;
  const exerciseId = list.dataset.exerciseId;
  const labels = JSON.parse(list.dataset.labels);
  const url = '/api/v1/events?lastEventId=' + encodeURIComponent(list.dataset.lastEventId);
  const source = new EventSource(url);
  const describe = (who) => {
    if (who === null) return '';
    const role = who.level ?? (who.organisationId === null ? '' : labels.partner);
    return [role, who.email ?? ''].filter((part) => part !== '').join(' ');
  };
  source.addEventListener('exercise', (message) => {
    const entry = JSON.parse(message.data);
    const template = labels.kinds[entry.kind];
    if (entry.exerciseId !== exerciseId || template === undefined) return;
    const values = { who: describe(entry.who), subject: entry.subject };
    const text = template.replace(/\\{(who|subject)\\}/g, (_, name) => values[name]);
    const state = entry.who !== null && entry.who.state !== null ? '[' + entry.who.state + '] ' : '';
    const time = document.createElement('time');
    time.dateTime = entry.at;
    time.textContent = entry.at;
    const item = document.createElement('li');
    item.append(time, ' ' + state + text);
    list.append(item);
  });
})();`);

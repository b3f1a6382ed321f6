// Session fixtures shared by the speaker's unit tests.
import type { MessageStats } from '../../src/speaker/sessions.js';

/** A session that has exchanged no message yet. */
export const NO_MESSAGES: MessageStats = {
  opensSent: 0,
  opensRecv: 0,
  notificationsSent: 0,
  updatesSent: 0,
  updatesRecv: 0,
  keepalivesSent: 0,
  keepalivesRecv: 0,
  routeRefreshSent: 0,
  totalSent: 0,
  totalRecv: 0,
};

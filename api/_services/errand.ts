/**
 * 代办: a service the village runs for the villager (e.g. 医保缴费代办) becomes a matter of kind
 * 代办请求 through the matters slice's own raise (first responder, timeline, notification).
 * Outcomes: Ok {matterId}; NOT_FOUND; SERVICE_NOT_OFFERED (the service is not offered as an
 * errand); whatever raiseMatter answers (FORBIDDEN for someone who is not a villager here).
 */
import type { Auth, Deps } from '../_app/context';
import { Err, Ok, type Outcome } from '../_lib/errors';
import { raiseMatter } from '../_matters/matters';
import { viewerFor } from '../_matters/scope';
import { findService } from './catalogue';

export async function requestErrand(
  deps: Deps,
  c: { auth: Auth; villageId: string; serviceId: string; requestId: string },
  note: string,
): Promise<Outcome<{ matterId: string }>> {
  const service = await findService(deps.db, c.villageId, c.serviceId);
  if (!service) return Err('NOT_FOUND');
  if (!service.errand) return Err('SERVICE_NOT_OFFERED', '这项服务要本人来办，请预约时间');
  const viewer = await viewerFor(deps, c.auth, c.villageId);
  const raised = await raiseMatter(deps, {
    viewer,
    requestId: c.requestId,
    input: {
      kind: 'errand',
      category: 'other',
      text: `【代办】${service.name}：${note}`,
      photoIds: [],
      aboutCadre: false,
      visibility: 'private',
    },
  });
  return raised.ok ? Ok({ matterId: raised.value.id }) : raised;
}

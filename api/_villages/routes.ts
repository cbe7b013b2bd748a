/** /api/villages — lookup and join (any signed-in user); management (cadres; some reads for grid workers and supervisors). */
import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { ZOkSchema, ZVillageParams } from '../../shared/schemas/common';
import {
  ZAssignRoleSchema,
  ZAuditListQuery,
  ZAuditListSchema,
  ZCreateGridSchema,
  ZCreateHouseholdSchema,
  ZGridListSchema,
  ZGridParams,
  ZHouseholdListSchema,
  ZHouseholdParams,
  ZJoinRequestListQuery,
  ZJoinRequestListSchema,
  ZJoinRequestParams,
  ZJoinResultSchema,
  ZJoinVillageSchema,
  ZMemberListSchema,
  ZMemberParams,
  ZMemberRoleParams,
  ZRejectJoinSchema,
  ZRosterImportQuery,
  ZRosterImportResultSchema,
  ZUpdateGridSchema,
  ZUpdateHouseholdSchema,
  ZVillageLookupQuery,
  ZVillageLookupSchema,
} from '../../shared/schemas/villages';
import { newRouter } from '../_app/router';
import { requireAuth } from '../_auth/middleware';
import { counties, towns, villages } from '../_db/schema';
import { assertVillageRole } from '../_lib/access';
import { Err, Ok } from '../_lib/errors';
import { AUTH_ERRORS, SECURED, json, jsonBody, reply } from '../_lib/http';
import { idempotency } from '../_lib/idempotency';
import { rateLimit } from '../_lib/rate-limit';
import { listAudit } from './audit-list';
import { createGrid, listGrids, updateGrid } from './grids';
import { createHousehold, listHouseholds, updateHousehold } from './households';
import { XLSX_TYPE, importRoster } from './import-roster';
import { decideJoinRequest, listJoinRequests } from './join-requests';
import { joinVillage } from './join-village';
import { assignRole, listMembers, removeRole } from './members';

const ZIdResult = z.object({ id: z.string().uuid() });
const auth = { security: SECURED, middleware: [requireAuth] };
const write = {
  security: SECURED,
  middleware: [requireAuth, idempotency, rateLimit('write:default', 'user')],
};

const lookup = createRoute({
  method: 'get',
  path: '/lookup',
  tags: ['villages'],
  summary: 'Find a village by its invite code',
  security: SECURED,
  middleware: [requireAuth, rateLimit('villages:join', 'user')],
  request: { query: ZVillageLookupQuery },
  responses: { 200: json(ZVillageLookupSchema), ...AUTH_ERRORS },
});
const join = createRoute({
  method: 'post',
  path: '/join',
  tags: ['villages'],
  summary: 'Ask to join a village (approved at once when the roster matches)',
  security: SECURED,
  middleware: [requireAuth, idempotency, rateLimit('villages:join', 'user')],
  request: { body: jsonBody(ZJoinVillageSchema) },
  responses: { 200: json(ZJoinResultSchema), ...AUTH_ERRORS },
});
const joinRequestsList = createRoute({
  method: 'get',
  path: '/{villageId}/join-requests',
  tags: ['villages'],
  summary: 'Join requests (cadres)',
  ...auth,
  request: { params: ZVillageParams, query: ZJoinRequestListQuery },
  responses: { 200: json(ZJoinRequestListSchema), ...AUTH_ERRORS },
});
const approve = createRoute({
  method: 'post',
  path: '/{villageId}/join-requests/{requestId}/approve',
  tags: ['villages'],
  summary: 'Approve a join request (cadres)',
  ...write,
  request: { params: ZJoinRequestParams },
  responses: { 200: json(ZJoinResultSchema), ...AUTH_ERRORS },
});
const reject = createRoute({
  method: 'post',
  path: '/{villageId}/join-requests/{requestId}/reject',
  tags: ['villages'],
  summary: 'Reject a join request with a reason (cadres)',
  ...write,
  request: { params: ZJoinRequestParams, body: jsonBody(ZRejectJoinSchema) },
  responses: { 200: json(ZJoinResultSchema), ...AUTH_ERRORS },
});
const roster = createRoute({
  method: 'post',
  path: '/{villageId}/roster/import',
  tags: ['villages'],
  summary:
    'Import the household roster (cadres). Body: the file (text/csv or xlsx), or multipart/form-data with field "file". Writes nothing unless every row is valid.',
  security: SECURED,
  middleware: [requireAuth, idempotency, rateLimit('roster:import', 'user')],
  request: { params: ZVillageParams, query: ZRosterImportQuery },
  responses: {
    200: json(ZRosterImportResultSchema),
    ...AUTH_ERRORS,
    415: json(ZOkSchema, 'UNSUPPORTED_MEDIA_TYPE'),
  },
});
const householdsList = createRoute({
  method: 'get',
  path: '/{villageId}/households',
  tags: ['villages'],
  summary: 'Households (cadres, supervisors; grid workers see their grid)',
  ...auth,
  request: { params: ZVillageParams },
  responses: { 200: json(ZHouseholdListSchema), ...AUTH_ERRORS },
});
const householdCreate = createRoute({
  method: 'post',
  path: '/{villageId}/households',
  tags: ['villages'],
  summary: 'Add a household (cadres)',
  ...write,
  request: { params: ZVillageParams, body: jsonBody(ZCreateHouseholdSchema) },
  responses: { 201: json(ZIdResult), ...AUTH_ERRORS },
});
const householdUpdate = createRoute({
  method: 'patch',
  path: '/{villageId}/households/{householdId}',
  tags: ['villages'],
  summary: 'Change a household (cadres)',
  ...write,
  request: { params: ZHouseholdParams, body: jsonBody(ZUpdateHouseholdSchema) },
  responses: { 200: json(ZIdResult), ...AUTH_ERRORS },
});
const gridsList = createRoute({
  method: 'get',
  path: '/{villageId}/grids',
  tags: ['villages'],
  summary: 'Grids and their workers',
  ...auth,
  request: { params: ZVillageParams },
  responses: { 200: json(ZGridListSchema), ...AUTH_ERRORS },
});
const gridCreate = createRoute({
  method: 'post',
  path: '/{villageId}/grids',
  tags: ['villages'],
  summary: 'Add a grid (cadres)',
  ...write,
  request: { params: ZVillageParams, body: jsonBody(ZCreateGridSchema) },
  responses: { 201: json(ZIdResult), ...AUTH_ERRORS },
});
const gridUpdate = createRoute({
  method: 'patch',
  path: '/{villageId}/grids/{gridId}',
  tags: ['villages'],
  summary: 'Rename a grid or assign its worker (cadres)',
  ...write,
  request: { params: ZGridParams, body: jsonBody(ZUpdateGridSchema) },
  responses: { 200: json(ZIdResult), ...AUTH_ERRORS },
});
const membersList = createRoute({
  method: 'get',
  path: '/{villageId}/members',
  tags: ['villages'],
  summary: 'Members and roles (cadres, supervisors)',
  ...auth,
  request: { params: ZVillageParams },
  responses: { 200: json(ZMemberListSchema), ...AUTH_ERRORS },
});
const roleAssign = createRoute({
  method: 'post',
  path: '/{villageId}/members/{userId}/roles',
  tags: ['villages'],
  summary: 'Give a member a role (cadres)',
  ...write,
  request: { params: ZMemberParams, body: jsonBody(ZAssignRoleSchema) },
  responses: { 200: json(ZOkSchema), ...AUTH_ERRORS },
});
const roleRemove = createRoute({
  method: 'delete',
  path: '/{villageId}/members/{userId}/roles/{role}',
  tags: ['villages'],
  summary: 'Take a role from a member (cadres)',
  ...write,
  request: { params: ZMemberRoleParams },
  responses: { 200: json(ZOkSchema), ...AUTH_ERRORS },
});
const auditList = createRoute({
  method: 'get',
  path: '/{villageId}/audit',
  tags: ['villages'],
  summary: 'Audit log (cadres, supervisors)',
  ...auth,
  request: { params: ZVillageParams, query: ZAuditListQuery },
  responses: { 200: json(ZAuditListSchema), ...AUTH_ERRORS },
});

async function readUpload(req: Request): Promise<{ bytes: Uint8Array; kind: 'csv' | 'xlsx' } | null> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const kindOf = (t: string, name = '') =>
    t === XLSX_TYPE || name.endsWith('.xlsx')
      ? ('xlsx' as const)
      : t === 'text/csv' || name.endsWith('.csv')
        ? ('csv' as const)
        : null;
  if (type === 'multipart/form-data') {
    const form = await req.formData().catch(() => null);
    const file = form?.get('file');
    if (!file || typeof file === 'string') return null;
    const kind = kindOf(file.type, file.name.toLowerCase());
    return kind ? { bytes: new Uint8Array(await file.arrayBuffer()), kind } : null;
  }
  const kind = kindOf(type);
  return kind ? { bytes: new Uint8Array(await req.arrayBuffer()), kind } : null;
}

const MANAGE = ['cadre'] as const;
const READ = ['cadre', 'supervisor'] as const;

export function villageRoutes() {
  return newRouter()
    .openapi(lookup, async (c) => {
      const [v] = await c
        .get('deps')
        .db.select({ id: villages.id, name: villages.name, townName: towns.name, countyName: counties.name })
        .from(villages)
        .innerJoin(towns, eq(towns.id, villages.townId))
        .innerJoin(counties, eq(counties.id, towns.countyId))
        .where(eq(villages.inviteCode, c.req.valid('query').code))
        .limit(1);
      return reply(c, v ? Ok({ village: v }) : Err('INVITE_CODE_INVALID'));
    })
    .openapi(join, async (c) =>
      reply(
        c,
        await joinVillage(c.get('deps'), c.get('auth').userId, c.req.valid('json'), c.get('requestId')),
      ),
    )
    .openapi(joinRequestsList, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MANAGE);
      return reply(c, Ok(await listJoinRequests(c.get('deps'), villageId, c.req.valid('query').status)));
    })
    .openapi(approve, async (c) => {
      const { villageId, requestId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MANAGE);
      return reply(
        c,
        await decideJoinRequest(c.get('deps'), {
          villageId,
          requestId,
          actorUserId: c.get('auth').userId,
          decision: 'approve',
          httpRequestId: c.get('requestId'),
        }),
      );
    })
    .openapi(reject, async (c) => {
      const { villageId, requestId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MANAGE);
      return reply(
        c,
        await decideJoinRequest(c.get('deps'), {
          villageId,
          requestId,
          actorUserId: c.get('auth').userId,
          decision: 'reject',
          reason: c.req.valid('json').reason,
          httpRequestId: c.get('requestId'),
        }),
      );
    })
    .openapi(roster, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MANAGE);
      const upload = await readUpload(c.req.raw);
      if (!upload) return reply(c, Err('UNSUPPORTED_MEDIA_TYPE', '请上传 CSV 或 Excel(.xlsx) 文件'));
      return reply(
        c,
        await importRoster(c.get('deps'), {
          villageId,
          actorUserId: c.get('auth').userId,
          ...upload,
          dryRun: c.req.valid('query').dryRun === '1',
          requestId: c.get('requestId'),
        }),
      );
    })
    .openapi(householdsList, async (c) => {
      const { villageId } = c.req.valid('param');
      const roles = assertVillageRole(c.get('auth'), villageId, ['cadre', 'supervisor', 'grid_worker']);
      // A grid worker who is not also a cadre or supervisor sees only their own grid.
      const onlyGrid =
        roles.has('cadre') || roles.has('supervisor')
          ? undefined
          : (c.get('auth').memberships.find((m) => m.villageId === villageId && m.role === 'grid_worker')
              ?.gridId ?? null);
      if (onlyGrid === null) return reply(c, Ok({ items: [] }));
      return reply(c, Ok(await listHouseholds(c.get('deps'), villageId, onlyGrid)));
    })
    .openapi(householdCreate, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MANAGE);
      const input = c.req.valid('json');
      return reply(
        c,
        await createHousehold(c.get('deps'), {
          villageId,
          actorUserId: c.get('auth').userId,
          requestId: c.get('requestId'),
          input,
        }),
        201,
      );
    })
    .openapi(householdUpdate, async (c) => {
      const { villageId, householdId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MANAGE);
      const input = c.req.valid('json');
      return reply(
        c,
        await updateHousehold(c.get('deps'), {
          villageId,
          householdId,
          actorUserId: c.get('auth').userId,
          requestId: c.get('requestId'),
          input,
        }),
      );
    })
    .openapi(gridsList, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, ['cadre', 'supervisor', 'grid_worker']);
      return reply(c, Ok(await listGrids(c.get('deps'), villageId)));
    })
    .openapi(gridCreate, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MANAGE);
      const input = c.req.valid('json');
      return reply(
        c,
        await createGrid(c.get('deps'), {
          villageId,
          actorUserId: c.get('auth').userId,
          requestId: c.get('requestId'),
          input,
        }),
        201,
      );
    })
    .openapi(gridUpdate, async (c) => {
      const { villageId, gridId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MANAGE);
      const input = c.req.valid('json');
      return reply(
        c,
        await updateGrid(c.get('deps'), {
          villageId,
          gridId,
          actorUserId: c.get('auth').userId,
          requestId: c.get('requestId'),
          input,
        }),
      );
    })
    .openapi(membersList, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, READ);
      return reply(c, Ok(await listMembers(c.get('deps'), villageId)));
    })
    .openapi(roleAssign, async (c) => {
      const { villageId, userId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MANAGE);
      const { role, gridId } = c.req.valid('json');
      return reply(
        c,
        await assignRole(c.get('deps'), {
          villageId,
          userId,
          role,
          gridId,
          actorUserId: c.get('auth').userId,
          requestId: c.get('requestId'),
        }),
      );
    })
    .openapi(roleRemove, async (c) => {
      const { villageId, userId, role } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, MANAGE);
      return reply(
        c,
        await removeRole(c.get('deps'), {
          villageId,
          userId,
          role,
          actorUserId: c.get('auth').userId,
          requestId: c.get('requestId'),
        }),
      );
    })
    .openapi(auditList, async (c) => {
      const { villageId } = c.req.valid('param');
      assertVillageRole(c.get('auth'), villageId, READ);
      const { limit, before } = c.req.valid('query');
      return reply(c, Ok(await listAudit(c.get('deps'), villageId, limit, before)));
    });
}

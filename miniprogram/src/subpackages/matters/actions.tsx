/**
 * What the caller may do with a matter: exactly the actions the API lists (`actions`, computed from
 * the workflow table in shared/matters/workflow.ts), as large buttons; each opens its own small
 * form — a note (required when the workflow says so), photos for 办结, a mediation session record,
 * a follow-up visit, the villager's rating. One form at a time, one main button in it.
 */
import { Input, Picker, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMemo, useState } from 'react';
import {
  ACTION_NOTE_MAX,
  MATTER_PHOTOS_MAX,
  MEDIATION_OUTCOMES,
  MEDIATION_OUTCOME_LABELS,
  type MediationOutcome,
} from '@shared/matters/form-rules';
import type { TMediationSession } from '@shared/matters/schemas';
import {
  MATTER_ACTION_LABELS,
  type MatterAction,
  type MatterState,
  noteRequired,
} from '@shared/matters/workflow';
import { errorMessage, isApiError } from '../../api/client';
import { Btn, Card, ErrorNote } from '../../components/ui';
import { beijingToday, cx } from '../../lib/format';
import { uuidV4 } from '../../lib/uuid';
import { type TTakeActionBody, mattersApi } from './api';
import { type PhotoItem, PhotoPicker, photosState } from './photos';

export const RATING_ACTIONS = ['rate_satisfied', 'rate_basically_satisfied', 'rate_unsatisfied'] as const;
type RatingAction = (typeof RATING_ACTIONS)[number];
const isRating = (a: MatterAction): a is RatingAction => (RATING_ACTIONS as readonly string[]).includes(a);

/**
 * Actions not offered as buttons here: `merge` needs the duplicate picked from a list (the cadres'
 * duplicates view), `close` and the councils' `decision_returned` callback are the system's.
 */
const NOT_A_BUTTON: ReadonlySet<MatterAction> = new Set(['merge', 'close']);

/** Actions that move a matter away from the caller or end it: shown as a red outline button. */
const CAUTION: ReadonlySet<MatterAction> = new Set(['decline', 'withdraw', 'uphold_decline', 'refer_out']);

type FormKind = 'note' | 'resolve' | 'session' | 'followup' | 'rating';

function formKind(a: MatterAction): FormKind {
  if (isRating(a)) return 'rating';
  if (a === 'resolve' || a === 'mediation_succeeded') return 'resolve';
  if (a === 'record_session') return 'session';
  if (a === 'follow_up') return 'followup';
  return 'note';
}

/** What the note field asks for, per action (the villager reads these notes in the timeline). */
const NOTE_PROMPTS: Partial<Record<MatterAction, { label: string; placeholder: string }>> = {
  accept: { label: '想对村民说的话', placeholder: '例如：已收到，明天上午去看' },
  route_handle: { label: '怎么安排的', placeholder: '例如：由村电工张师傅负责修' },
  route_mediate: { label: '怎么安排的', placeholder: '例如：约双方周六到村委会谈' },
  route_decide: { label: '为什么要大家商量', placeholder: '例如：要用村集体的钱，需村民代表会议表决' },
  decline: { label: '不受理的原因（村民能看到）', placeholder: '例如：这件事要到县不动产登记中心办理' },
  resolve: { label: '怎么办好的', placeholder: '例如：路灯已换新，晚上能亮了' },
  mediation_succeeded: { label: '双方商量好了什么', placeholder: '例如：双方同意界墙往东移半米' },
  mediation_failed: { label: '为什么没谈拢', placeholder: '例如：对赔偿金额分歧大' },
  refer_out: { label: '告诉双方怎么办', placeholder: '例如：可向县人民法院起诉或申请仲裁' },
  decision_returned: { label: '议事的结果', placeholder: '例如：村民代表会议通过，下月动工' },
  escalate: { label: '为什么要上报', placeholder: '例如：需要镇里协调水利站' },
  appeal: { label: '为什么不同意', placeholder: '说说您的理由' },
  uphold_decline: { label: '复核意见', placeholder: '例如：确属县级部门办理' },
  reopen_by_town: { label: '要村里怎么重新办', placeholder: '例如：请村里重新核实后答复' },
  withdraw: { label: '撤回的原因', placeholder: '例如：已经自己解决了' },
  follow_up: { label: '村民怎么说', placeholder: '例如：路灯修好了，很满意' },
};

export function actionTitle(a: MatterAction): string {
  if (isRating(a)) return '评价';
  return MATTER_ACTION_LABELS[a];
}

/** The buttons: exactly the API's actions (ratings collapse into one 评价), in table order. */
export function buttonActions(actions: readonly MatterAction[]): MatterAction[] {
  const out: MatterAction[] = [];
  for (const a of actions) {
    if (NOT_A_BUTTON.has(a)) continue;
    if (isRating(a)) {
      if (!out.some(isRating)) out.push(a);
      continue;
    }
    out.push(a);
  }
  return out;
}

export function ActionPanel({
  villageId,
  matterId,
  state,
  actions,
  onMoved,
}: {
  villageId: string;
  matterId: string;
  state: MatterState;
  actions: readonly MatterAction[];
  onMoved: (message: string) => void;
}) {
  const buttons = buttonActions(actions);
  // A villager asked to rate sees the rating form at once: it is the one thing to do.
  const [open, setOpen] = useState<MatterAction | null>(
    buttons.length === 1 && isRating(buttons[0]!) ? buttons[0]! : null,
  );
  if (buttons.length === 0) return null;

  if (open) {
    return (
      <Card title={actionTitle(open)} className="action-form-card">
        <ActionForm
          villageId={villageId}
          matterId={matterId}
          state={state}
          action={open}
          available={actions}
          onDone={(msg) => {
            setOpen(null);
            onMoved(msg);
          }}
          onCancel={buttons.length === 1 && isRating(open) ? undefined : () => setOpen(null)}
        />
      </Card>
    );
  }

  return (
    <Card title="您可以" className="action-card">
      <View className="action-buttons" data-testid="action-buttons">
        {buttons.map((a, i) => (
          <Btn
            key={a}
            kind={CAUTION.has(a) ? 'danger' : i === 0 ? 'primary' : 'secondary'}
            onClick={() => setOpen(a)}
            testId={`action-${isRating(a) ? 'rate' : a}`}
          >
            {actionTitle(a)}
          </Btn>
        ))}
      </View>
    </Card>
  );
}

export type SessionFields = {
  day: string;
  place: string;
  people: string;
  said: string;
  outcome: MediationOutcome | '';
};
const VISIT_WAYS = ['上门回访', '电话回访'] as const;
const RATING_WORDS: Record<RatingAction, string> = {
  rate_satisfied: '满意',
  rate_basically_satisfied: '基本满意',
  rate_unsatisfied: '不满意',
};

export function dayWords(day: string): string {
  return day.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日');
}

/** Names typed in one line, split on 、，, or spaces. */
export function splitPeople(raw: string): string[] {
  return raw
    .split(/[、，,;；\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** What is missing in a session record (messages of ZMediationSession). */
export function sessionErrors(s: SessionFields): Partial<Record<keyof SessionFields, string>> {
  const e: Partial<Record<keyof SessionFields, string>> = {};
  if (!s.day) e.day = '请填写调解日期';
  if (!s.place.trim()) e.place = '请填写调解地点';
  else if (s.place.trim().length > 100) e.place = '地点不能超过100个字';
  const people = splitPeople(s.people);
  if (people.length === 0) e.people = '请填写参加调解的人';
  else if (people.length > 30) e.people = '参加人最多30位';
  else if (people.some((p) => p.length > 50)) e.people = '姓名太长';
  if (!s.said.trim()) e.said = '请简要记录调解经过';
  else if (s.said.trim().length > ACTION_NOTE_MAX) e.said = `经过不能超过${ACTION_NOTE_MAX}个字`;
  if (!s.outcome) e.outcome = '请选择调解结果';
  return e;
}

/** The session as the API takes it (record_session's `session`). */
export function sessionBody(s: SessionFields): TMediationSession {
  return {
    heldOn: s.day,
    place: s.place.trim(),
    participants: splitPeople(s.people),
    said: s.said.trim(),
    outcome: s.outcome as MediationOutcome,
  };
}

/** The follow-up visit as its note. */
export function followUpNote(way: string, said: string): string {
  return `${way}。村民说：${said.trim()}`;
}

/** The body of one action, or what to fix. Pure, so the rules are tested without a screen. */
export function buildAction(
  state: MatterState,
  action: MatterAction,
  input: { note: string; photoIds?: string[]; session?: TMediationSession },
): { ok: true; body: TTakeActionBody } | { ok: false; error: string } {
  const note = input.note.trim();
  // A session record stands for the note (the server writes the timeline line from it).
  if (noteRequired(state, action) && !note && !input.session) {
    if (action === 'rate_unsatisfied') return { ok: false, error: '请说说哪里不满意，村里好改进' };
    return { ok: false, error: `请填写${NOTE_PROMPTS[action]?.label.replace(/（.*）/, '') ?? '说明'}` };
  }
  if (note.length > ACTION_NOTE_MAX) return { ok: false, error: `说明不能超过${ACTION_NOTE_MAX}个字` };
  const body: TTakeActionBody = { action };
  if (note) body.note = note;
  if (input.photoIds?.length) body.photoIds = input.photoIds;
  if (input.session) body.session = input.session;
  return { ok: true, body };
}

function NoteField({
  label,
  placeholder,
  value,
  onChange,
  required,
  error,
}: {
  label: string;
  placeholder?: string;
  value: string;
  onChange: (v: string) => void;
  required: boolean;
  error?: string | null;
}) {
  return (
    <View className="field">
      <Text className="field-label">
        {label}
        {required ? null : <Text className="field-optional">（选填）</Text>}
      </Text>
      <Textarea
        className={cx('field-textarea field-textarea-short', error && 'field-input-error')}
        name="note"
        value={value}
        maxlength={ACTION_NOTE_MAX}
        placeholder={placeholder}
        onInput={(e) => onChange(e.detail.value)}
      />
      {error ? (
        <Text className="field-error" data-testid="error-note">
          {error}
        </Text>
      ) : null}
    </View>
  );
}

export function ActionForm({
  villageId,
  matterId,
  state,
  action,
  available,
  onDone,
  onCancel,
}: {
  villageId: string;
  matterId: string;
  state: MatterState;
  action: MatterAction;
  available: readonly MatterAction[];
  onDone: (message: string) => void;
  onCancel?: () => void;
}) {
  const kind = formKind(action);
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<PhotoItem[]>([]);
  const [session, setSession] = useState<SessionFields>({
    day: beijingToday(),
    place: '',
    people: '',
    said: '',
    outcome: '',
  });
  const [sessionErr, setSessionErr] = useState<Partial<Record<keyof SessionFields, string>>>({});
  const [way, setWay] = useState<string>(VISIT_WAYS[0]);
  const [rating, setRating] = useState<RatingAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const chosen: MatterAction = kind === 'rating' ? (rating ?? action) : action;
  const noteText =
    kind === 'followup' && note.trim() ? followUpNote(way, note) : kind === 'session' ? '' : note;
  const pics = photosState(photos);
  const built = buildAction(state, chosen, {
    note: noteText,
    photoIds: pics.ids,
    session: kind === 'session' ? sessionBody(session) : undefined,
  });
  const bodyJson = built.ok ? JSON.stringify(built.body) : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: one key per content, reused on 再试
  const key = useMemo(() => uuidV4(), [bodyJson]);

  const submit = async () => {
    setError(null);
    if (kind === 'rating' && !rating) {
      setError('请选一个评价');
      return;
    }
    if (kind === 'session') {
      const e = sessionErrors(session);
      setSessionErr(e);
      if (Object.keys(e).length) return;
    }
    if (pics.uploading) {
      setError('照片还在上传，请稍等');
      return;
    }
    if (pics.failed) {
      setError('有照片没传上去，请删掉或重传');
      return;
    }
    if (!built.ok) {
      setError(built.error);
      return;
    }
    if (chosen === 'withdraw' || chosen === 'decline') {
      const ok = await Taro.showModal({
        title: `确定${actionTitle(chosen)}吗？`,
        content:
          chosen === 'withdraw' ? '撤回后，这件事就不再办理了。' : '村民会看到您写的原因，可以向镇里申诉。',
        confirmText: '确定',
        cancelText: '再想想',
      });
      if (!ok.confirm) return;
    }
    setBusy(true);
    setFailure(null);
    try {
      await mattersApi.act(villageId, matterId, built.body, key);
      onDone(kind === 'rating' ? '谢谢您的评价' : `已${actionTitle(chosen)}`);
    } catch (e) {
      if (isApiError(e) && e.code === 'TRANSITION_NOT_ALLOWED') {
        onDone('这件事已经有了新进展，已为您刷新');
        return;
      }
      setFailure(e);
      void Taro.showToast({ title: errorMessage(e), icon: 'none' });
    } finally {
      setBusy(false);
    }
  };

  const required = noteRequired(state, chosen);
  const prompt = NOTE_PROMPTS[chosen] ?? { label: '说明', placeholder: '' };

  return (
    <View data-testid={`form-${kind}`}>
      {kind === 'rating' ? (
        <View>
          <Text className="muted">这件事办得怎么样？您的评价村里和镇里都能看到。</Text>
          <View className="rating-grid">
            {RATING_ACTIONS.filter((r) => available.includes(r)).map((r) => (
              <View
                key={r}
                className={cx('rating-choice', `rating-${r}`, rating === r && 'rating-choice-on')}
                onClick={() => {
                  setRating(r);
                  setError(null);
                }}
                data-testid={r}
                role="radio"
                aria-checked={rating === r ? 'true' : 'false'}
              >
                <Text>{rating === r ? `✓ ${RATING_WORDS[r]}` : RATING_WORDS[r]}</Text>
              </View>
            ))}
          </View>
          <NoteField
            label={rating === 'rate_unsatisfied' ? '哪里不满意' : '还想说的话'}
            placeholder={rating === 'rate_unsatisfied' ? '说说哪里没办好，村里会重新办' : ''}
            value={note}
            onChange={setNote}
            required={rating !== null && required}
          />
          {rating === 'rate_unsatisfied' ? (
            <Text className="muted">选“不满意”，这件事会重新办理；再不满意，会交到镇里。</Text>
          ) : null}
        </View>
      ) : null}

      {kind === 'session' ? (
        <View>
          <View className="field">
            <Text className="field-label">哪天调解的</Text>
            <Picker
              mode="date"
              value={session.day}
              end={beijingToday()}
              onChange={(e) => setSession((s) => ({ ...s, day: String(e.detail.value) }))}
            >
              <View className="field-input picker-value">
                <Text>{dayWords(session.day)}</Text>
              </View>
            </Picker>
            {sessionErr.day ? <Text className="field-error">{sessionErr.day}</Text> : null}
          </View>
          {(
            [
              ['place', '在哪里', '例如：村委会调解室'],
              ['people', '参加的人（用顿号隔开）', '例如：张三、李四、网格员王五'],
            ] as const
          ).map(([k, label, ph]) => (
            <View className="field" key={k}>
              <Text className="field-label">{label}</Text>
              <Input
                className={cx('field-input', sessionErr[k] && 'field-input-error')}
                name={`session-${k}`}
                value={session[k]}
                placeholder={ph}
                onInput={(e) => setSession((s) => ({ ...s, [k]: e.detail.value }))}
              />
              {sessionErr[k] ? <Text className="field-error">{sessionErr[k]}</Text> : null}
            </View>
          ))}
          <NoteField
            label="调解经过（各方说了什么）"
            placeholder="简单记下双方的意见"
            value={session.said}
            onChange={(said) => setSession((s) => ({ ...s, said }))}
            required
            error={sessionErr.said}
          />
          <Text className="field-label">结果</Text>
          <View className="choice-grid">
            {MEDIATION_OUTCOMES.map((o) => (
              <View
                key={o}
                className={cx('choice', session.outcome === o && 'choice-on')}
                onClick={() => setSession((s) => ({ ...s, outcome: o }))}
                data-testid={`outcome-${o}`}
              >
                <Text>
                  {session.outcome === o ? `✓ ${MEDIATION_OUTCOME_LABELS[o]}` : MEDIATION_OUTCOME_LABELS[o]}
                </Text>
              </View>
            ))}
          </View>
          {sessionErr.outcome ? <Text className="field-error">{sessionErr.outcome}</Text> : null}
        </View>
      ) : null}

      {kind === 'followup' ? (
        <View>
          <Text className="field-label">怎么回访的</Text>
          <View className="choice-grid">
            {VISIT_WAYS.map((w) => (
              <View
                key={w}
                className={cx('choice', way === w && 'choice-on')}
                onClick={() => setWay(w)}
                data-testid={`visit-${w}`}
              >
                <Text>{way === w ? `✓ ${w}` : w}</Text>
              </View>
            ))}
          </View>
          <NoteField
            label="村民怎么说"
            placeholder="例如：路灯修好了，很满意"
            value={note}
            onChange={setNote}
            required={required}
          />
        </View>
      ) : null}

      {kind === 'note' || kind === 'resolve' ? (
        <NoteField
          label={prompt.label}
          placeholder={prompt.placeholder}
          value={note}
          onChange={setNote}
          required={required}
        />
      ) : null}

      {kind === 'resolve' ? (
        <View className="field">
          <Text className="field-label">
            办好后的照片<Text className="field-optional">（选填）</Text>
          </Text>
          <PhotoPicker
            villageId={villageId}
            photos={photos}
            onChange={(update) => setPhotos((p) => update(p))}
            max={MATTER_PHOTOS_MAX}
          />
        </View>
      ) : null}

      {error ? (
        <Text className="field-error" data-testid="action-error">
          {error}
        </Text>
      ) : null}
      {failure ? <ErrorNote error={failure as Error} /> : null}
      <View className="actions">
        <Btn
          kind={CAUTION.has(chosen) ? 'danger' : 'primary'}
          onClick={() => void submit()}
          busy={busy}
          testId="action-submit"
        >
          {kind === 'rating' ? '提交评价' : `确定${actionTitle(chosen)}`}
        </Btn>
        {onCancel ? (
          <Btn kind="plain" onClick={onCancel} testId="action-cancel">
            不做了，返回
          </Btn>
        ) : null}
      </View>
    </View>
  );
}

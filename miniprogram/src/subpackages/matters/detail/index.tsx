/**
 * One matter: where it is now (who has it, by when), what was said, its photos, what the caller may
 * do (the API's `actions`), and everything that happened, in plain words, oldest first.
 */
import { Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh, useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { errorMessage } from '../../../api/client';
import { ReadAloud } from '../../../components/read-aloud';
import { Btn, Card, ErrorNote, Loading, Note, PageTitle, Tag } from '../../../components/ui';
import { formatDayTime } from '../../../lib/format';
import type { VillageView } from '../../../lib/roles';
import { useLoad } from '../../../lib/use-load';
import { ActionPanel, dayWords } from '../actions';
import { type TMatterDetail, mattersApi } from '../api';
import {
  MATTER_PAGES,
  MatterPage,
  StateTag,
  StoredPhoto,
  catLabel,
  go,
  kindLabel,
  nowWords,
} from '../common';
import { isTerminal } from '@shared/matters/workflow';
import { VoicePlayer } from '../voice-player';
import '../matters.scss';

const AUTHOR_ACTIONS: ReadonlySet<string> = new Set([
  'rate_satisfied',
  'rate_basically_satisfied',
  'rate_unsatisfied',
  'appeal',
  'withdraw',
]);

export default function MatterDetailPage() {
  const router = useRouter();
  const id = router.params.id ?? '';
  return (
    <MatterPage>
      {(v) => <MatterDetail village={v} matterId={id} justRaised={router.params.raised === '1'} />}
    </MatterPage>
  );
}

/** 关注 another villager's public matter: told when it moves. */
function FollowRow({
  villageId,
  matterId,
  following,
  ended,
}: {
  villageId: string;
  matterId: string;
  following: boolean;
  ended: boolean;
}) {
  const [on, setOn] = useState(following);
  const [busy, setBusy] = useState(false);
  if (ended && !on) return null;
  const toggle = async () => {
    setBusy(true);
    try {
      const r = on
        ? await mattersApi.unfollow(villageId, matterId)
        : await mattersApi.follow(villageId, matterId);
      setOn(r.following);
      void Taro.showToast({ title: r.following ? '已关注，有进展会告诉您' : '已取消关注', icon: 'none' });
    } catch (e) {
      void Taro.showToast({ title: errorMessage(e), icon: 'none' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <Text className="muted">
        {on ? '您关注了这件事，有进展会告诉您。' : '这件事您也关心？关注后有进展会告诉您。'}
      </Text>
      <View className="actions">
        <Btn
          kind={on ? 'plain' : 'secondary'}
          busy={busy}
          onClick={() => void toggle()}
          testId="follow-toggle"
        >
          {on ? '不再关注' : '关注这件事'}
        </Btn>
      </View>
    </Card>
  );
}

export function MatterDetail({
  village,
  matterId,
  justRaised = false,
}: {
  village: VillageView;
  matterId: string;
  justRaised?: boolean;
}) {
  const [message, setMessage] = useState<string | null>(
    justRaised ? '已提交。村里收到后会尽快处理，有进展会通知您。' : null,
  );
  const m = useLoad(() => mattersApi.open(village.villageId, matterId), `${village.villageId}/${matterId}`);
  usePullDownRefresh(() => {
    m.reload();
    void Taro.stopPullDownRefresh();
  });

  if (m.loading && !m.data) return <Loading />;
  if (m.error && !m.data) return <ErrorNote error={m.error} onRetry={m.reload} />;
  const d = m.data as TMatterDetail;
  // Whose move it is: the author's own actions (rate, appeal, withdraw) say the reader wrote it.
  const author = d.actions.some((a) => AUTHOR_ACTIONS.has(a));
  const now = nowWords(d, new Date(), author);

  return (
    <View data-testid="matter-detail">
      <PageTitle sub={village.villageName}>{`${kindLabel(d.kind)} · ${catLabel(d.category)}`}</PageTitle>
      {message ? <Note tone="success">{message}</Note> : null}

      <Card className="now-card">
        <View className="matter-row-tags">
          <StateTag state={d.state} />
          {d.aboutCadre ? <Tag tone="warn">反映村干部</Tag> : null}
          <Tag>{d.isPublic ? '公开' : '不公开'}</Tag>
        </View>
        <Text className="now-words" data-testid="now-words">
          {now.what}
        </Text>
        {now.when ? (
          <Text className={now.late ? 'now-when now-when-late' : 'now-when'} data-testid="now-when">
            {now.late ? now.when : `期限：${now.when}`}
          </Text>
        ) : null}
      </Card>

      <Card title="反映的事">
        <Text className="matter-text" data-testid="matter-text">
          {d.text || '（只有语音）'}
        </Text>
        {d.voice ? <VoicePlayer fileId={d.voice.fileId} durationS={d.voice.durationS} /> : null}
        {d.photoIds.length ? (
          <View className="photo-grid photo-grid-view" data-testid="matter-photos">
            {d.photoIds.map((pid) => (
              <View key={pid} className="photo-cell">
                <StoredPhoto mediaId={pid} />
              </View>
            ))}
          </View>
        ) : null}
        {d.location?.address ? <Text className="muted">位置：{d.location.address}</Text> : null}
        <Text className="muted matter-meta">
          {d.masked
            ? `${d.authorName} · `
            : d.raisedOnBehalf
              ? `${d.authorName}（网格员代为反映）· `
              : `${d.authorName} · `}
          {formatDayTime(d.createdAt)}
        </Text>
      </Card>

      {d.actions.length ? (
        <ActionPanel
          key={`${d.state}/${d.level}/${d.timeline.length}`}
          villageId={village.villageId}
          matterId={d.id}
          state={d.state}
          actions={d.actions}
          onMoved={(msg) => {
            // Back to the top: the new step and the note saying what was done are the news.
            setMessage(msg);
            void Taro.pageScrollTo({ scrollTop: 0, duration: 0 }).catch(() => undefined);
            m.reload();
          }}
        />
      ) : null}

      {d.mergedIntoId ? (
        <Card>
          <Text className="muted">这件事和另一件相同的事合并办理了，进展在那一件里看。</Text>
          <View className="actions">
            <Btn
              kind="secondary"
              onClick={() => go(MATTER_PAGES.detail, { villageId: village.villageId, id: d.mergedIntoId! })}
              testId="go-merged"
            >
              看合并后的那一件
            </Btn>
          </View>
        </Card>
      ) : null}

      {d.masked || d.following ? (
        <FollowRow
          villageId={village.villageId}
          matterId={d.id}
          following={d.following}
          ended={isTerminal(d.state)}
        />
      ) : null}

      <Card title="办理经过">
        <ReadAloud
          title="办理经过"
          speak={d.timeline
            .map((e) => `${formatDayTime(e.at)}，${e.label}。${e.note ? `${e.note}。` : ''}`)
            .join('')}
          showText={false}
        />
        <View className="timeline" data-testid="timeline">
          {d.timeline.map((e, i) => (
            <View key={`${e.at}/${e.action}`} className="timeline-item">
              <View
                className={i === d.timeline.length - 1 ? 'timeline-dot timeline-dot-last' : 'timeline-dot'}
              />
              <View className="timeline-body">
                <Text className="timeline-label">{e.label}</Text>
                {e.session ? (
                  <View className="timeline-note" data-testid="session-record">
                    <Text className="session-line">{`调解日期：${dayWords(e.session.heldOn)}`}</Text>
                    <Text className="session-line">{`地点：${e.session.place}`}</Text>
                    <Text className="session-line">{`参加的人：${e.session.participants.join('、')}`}</Text>
                    <Text className="session-line">{`经过：${e.session.said}`}</Text>
                    <Text className="session-line session-outcome">{`结果：${e.session.outcomeLabel}`}</Text>
                  </View>
                ) : e.note ? (
                  <Text className="timeline-note">{e.note}</Text>
                ) : null}
                {e.photoIds?.length ? (
                  <View className="photo-grid timeline-photos">
                    {e.photoIds.map((pid) => (
                      <View key={pid} className="photo-cell">
                        <StoredPhoto mediaId={pid} />
                      </View>
                    ))}
                  </View>
                ) : null}
                <Text className="timeline-time">{formatDayTime(e.at)}</Text>
              </View>
            </View>
          ))}
        </View>
      </Card>
    </View>
  );
}

/**
 * 发起联名提议: a villager (or a representative) asks for a meeting. Pick what is asked — the kinds
 * one may start are those one may sign (18+ villagers on the roster; representatives) — write what
 * it is about, send. The starter is the first signature; the page then shows the petition's
 * progress. Its text goes through the content check: until it passes only its author and the
 * village's moderators see it.
 */
import { Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { PETITION_KINDS, PETITION_KIND_WORDS, type PetitionKind } from '@shared/councils/labels';
import { api } from '../../../api';
import { errorMessage } from '../../../api/client';
import { Gate } from '../../../components/gate';
import { Btn, Card, ErrorNote, Field, Note, PageTitle, Screen } from '../../../components/ui';
import { cx } from '../../../lib/format';
import { PAGES, replaceWith } from '../../../lib/nav';
import { villagesOf } from '../../../lib/roles';
import { uuidV4 } from '../../../lib/uuid';
import '../council-pages.scss';

const TEXT_MAX = 2000;

export default function NewPetitionPage() {
  const { villageId = '' } = useRouter().params;
  return (
    <Screen>
      <PageTitle sub="联名的人数够了，村委会就必须召开会议来讨论。">发起联名提议</PageTitle>
      <Gate>
        {(me) => {
          const v = villagesOf(me).find((x) => x.villageId === villageId);
          if (!v) return <Note tone="warn">没有找到这个村。</Note>;
          const kinds = PETITION_KINDS.filter((k) =>
            PETITION_KIND_WORDS[k].by === 'representatives'
              ? v.roles.includes('representative')
              : v.roles.includes('villager'),
          );
          if (kinds.length === 0) return <Note tone="warn">本村的村民和村民代表才能发起联名提议。</Note>;
          return <NewPetition villageId={villageId} kinds={kinds} />;
        }}
      </Gate>
    </Screen>
  );
}

export function NewPetition({ villageId, kinds }: { villageId: string; kinds: readonly PetitionKind[] }) {
  const [kind, setKind] = useState<PetitionKind | null>(kinds.length === 1 ? kinds[0]! : null);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  // One key per text sent: pressing 发起联名 again after a failure never starts it twice, and an
  // edited text is a new request.
  const sent = useRef<{ body: string; key: string } | null>(null);
  const ready = kind !== null && title.trim() !== '' && text.trim() !== '';
  const send = async () => {
    if (!kind) return;
    const body = { kind, title: title.trim(), text: text.trim() };
    const same = JSON.stringify(body);
    if (sent.current?.body !== same) sent.current = { body: same, key: uuidV4() };
    setBusy(true);
    setErr(null);
    try {
      const r = await api.councils.createPetition(villageId, body, sent.current.key);
      replaceWith(PAGES.councilPetition, { villageId, id: r.proposalId });
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <View data-testid="petition-form">
      <Card title="要求开什么会">
        {kinds.map((k) => (
          <View
            key={k}
            className={cx('petition-kind', kind === k && 'petition-kind-on')}
            hoverClass="link-row-hover"
            role="radio"
            aria-checked={kind === k ? 'true' : 'false'}
            data-testid={`kind-${k}`}
            onClick={() => setKind(k)}
          >
            <Text className="petition-kind-mark">{kind === k ? '●' : '○'}</Text>
            <View>
              <Text className="petition-kind-asks">{PETITION_KIND_WORDS[k].asks}</Text>
              <Text className="petition-kind-needs">{PETITION_KIND_WORDS[k].needs}</Text>
            </View>
          </View>
        ))}
      </Card>
      <Card title="要讨论什么事">
        <Field
          label="题目"
          name="title"
          value={title}
          onChange={setTitle}
          maxlength={60}
          placeholder="例如：讨论自来水管改造"
        />
        <Text className="field-label">说明</Text>
        <Textarea
          className="textarea"
          name="text"
          value={text}
          maxlength={TEXT_MAX}
          placeholder="为什么要开会，想让大家商量什么"
          onInput={(e) => setText(e.detail.value)}
        />
        <Text className="muted">{`已写 ${text.length} 字，最多 ${TEXT_MAX} 字`}</Text>
      </Card>
      <Note>提交后您就是第一个联名的人。内容审核通过后，村里其他人就能看到并联名。</Note>
      {err ? <ErrorNote error={err} /> : null}
      <View className="actions">
        <Btn testId="send-petition" busy={busy} disabled={!ready} onClick={() => void send()}>
          发起联名
        </Btn>
      </View>
    </View>
  );
}

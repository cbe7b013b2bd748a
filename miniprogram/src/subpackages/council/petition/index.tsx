/** 联名提议 page: the proposal's petition with its progress bar (the proposal page shows it too). */
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { api } from '../../../api';
import { Gate } from '../../../components/gate';
import { Btn, ErrorNote, Loading, Note, PageTitle, Screen } from '../../../components/ui';
import { PAGES, go } from '../../../lib/nav';
import { useLoad } from '../../../lib/use-load';
import { PetitionCard } from './card';

export default function PetitionPage() {
  const { villageId = '', id = '' } = useRouter().params;
  return (
    <Screen>
      <Gate>{() => <PetitionView villageId={villageId} proposalId={id} />}</Gate>
    </Screen>
  );
}

function PetitionView({ villageId, proposalId }: { villageId: string; proposalId: string }) {
  const { data, error, loading, reload, setData } = useLoad(
    () => api.councils.proposal(villageId, proposalId),
    `${villageId}/${proposalId}`,
  );
  if (error) return <ErrorNote error={error} onRetry={reload} />;
  if (loading || !data) return <Loading />;
  return (
    <View>
      <PageTitle sub={data.text}>{data.title}</PageTitle>
      {data.pendingCheck ? <Note tone="warn">内容正在审核，通过后村里其他人才能看到并联名。</Note> : null}
      {data.petition ? (
        <PetitionCard
          villageId={villageId}
          proposalId={proposalId}
          petition={data.petition}
          onChange={(p) => setData({ ...data, petition: p })}
        />
      ) : (
        <Text className="muted">这个议题没有联名。</Text>
      )}
      <View className="actions">
        <Btn kind="secondary" onClick={() => go(PAGES.councilProposal, { villageId, id: proposalId })}>
          看议题和大家的意见
        </Btn>
      </View>
    </View>
  );
}

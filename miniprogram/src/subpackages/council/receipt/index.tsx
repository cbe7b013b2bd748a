/** Receipt check: is the ballot with this receipt in the count? Anyone in the village may ask. */
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { api } from '../../../api';
import { errorMessage } from '../../../api/client';
import type { TReceiptCheck } from '../../../api/types';
import { Gate } from '../../../components/gate';
import { Btn, Card, ErrorNote, Field, Note, PageTitle, Screen } from '../../../components/ui';

export default function ReceiptPage() {
  const { villageId = '', id = '' } = useRouter().params;
  return (
    <Screen>
      <PageTitle sub="输入投票后拿到的回执码，看看您的票有没有算进去。">核对回执</PageTitle>
      <Gate>{() => <ReceiptCheck villageId={villageId} voteId={id} />}</Gate>
    </Screen>
  );
}

export function ReceiptCheck({ villageId, voteId }: { villageId: string; voteId: string }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const [res, setRes] = useState<TReceiptCheck | null>(null);
  const check = async () => {
    setBusy(true);
    setErr(null);
    setRes(null);
    try {
      setRes(await api.councils.checkReceipt(villageId, voteId, code.trim()));
    } catch (e) {
      setErr(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <View>
      <Field
        label="回执码"
        name="receipt"
        value={code}
        onChange={setCode}
        placeholder="例如 ABCD-EFGH-JKMN"
        maxlength={20}
      />
      <View className="actions">
        <Btn
          testId="check-receipt"
          busy={busy}
          disabled={code.trim().length < 4}
          onClick={() => void check()}
        >
          核对
        </Btn>
      </View>
      {err ? <ErrorNote error={err} /> : null}
      {res ? (
        res.included ? (
          <Card title="找到了您的选票">
            <Text data-testid="receipt-result" style={{ display: 'block' }}>
              {res.status === 'counted' ? '这张选票已经计入票数。' : '这张纸质选票正在等监委会会签。'}
            </Text>
            {res.seq ? <Text className="muted">{`在选票名单中排第 ${res.seq} 张。`}</Text> : null}
          </Card>
        ) : (
          <Note tone="warn">
            <Text data-testid="receipt-result">
              没有找到这个回执码。请检查是否输错；如果确认没错，请联系村务监督委员会。
            </Text>
          </Note>
        )
      ) : null}
    </View>
  );
}

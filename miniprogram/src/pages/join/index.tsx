import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api';
import { type ApiError, isApiError } from '../../api/client';
import type { TJoinResult, TVillageLookup } from '../../api/types';
import { Gate } from '../../components/gate';
import { Btn, Card, ErrorNote, Field, Note, PageTitle, Screen } from '../../components/ui';
import { uuidV4 } from '../../lib/uuid';
import { PAGES, restartAt } from '../../lib/nav';
import { useSession } from '../../lib/session';
import {
  type JoinFormErrors,
  type JoinFormValues,
  inviteCodeError,
  normaliseInviteCode,
  parseScannedCode,
  validateJoinForm,
} from '../../lib/validate';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';

type Village = TVillageLookup['village'];

export default function JoinPage() {
  const router = useRouter();
  return (
    <Screen>
      <Gate>{() => <JoinFlow initialCode={router.params.code ?? ''} />}</Gate>
    </Screen>
  );
}

/** Invite code → village found → name and phone → joined or waiting for approval. */
export function JoinFlow({ initialCode = '' }: { initialCode?: string }) {
  const session = useSession();
  const [code, setCode] = useState(normaliseInviteCode(decodeURIComponent(initialCode)));
  const [codeError, setCodeError] = useState<string | null>(null);
  const [village, setVillage] = useState<Village | null>(null);
  const [looking, setLooking] = useState(false);
  const [lookupError, setLookupError] = useState<ApiError | Error | null>(null);

  const [values, setValues] = useState<JoinFormValues>({ name: '', phone: '', householdNo: '' });
  const [errors, setErrors] = useState<JoinFormErrors>({});
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<ApiError | Error | null>(null);
  const [result, setResult] = useState<TJoinResult['request'] | null>(null);
  // One key per filled-in form: pressing 提交 again after a failure resends the same request, so
  // the server records one application, not two. Editing the form starts a new key.
  const keyRef = useRef<string>(uuidV4());

  const lookup = async (raw: string) => {
    const err = inviteCodeError(raw);
    setCodeError(err);
    setLookupError(null);
    if (err) return;
    const normal = normaliseInviteCode(raw);
    setCode(normal);
    setLooking(true);
    try {
      const r = await api.villages.lookup(normal);
      setVillage(r.village);
    } catch (e) {
      setLookupError(e as Error);
    } finally {
      setLooking(false);
    }
  };

  // A QR code that opened this page with ?code= looks the village up straight away.
  // biome-ignore lint/correctness/useExhaustiveDependencies: run once for the initial code
  useEffect(() => {
    if (initialCode) void lookup(initialCode);
  }, []);

  const scan = async () => {
    try {
      const r = await Taro.scanCode({ onlyFromCamera: false, scanType: ['qrCode'] });
      const scanned = parseScannedCode(r.result ?? '') ?? parseScannedCode(r.path ?? '');
      if (!scanned) {
        setCodeError('这个二维码不是入村邀请码');
        return;
      }
      setCode(scanned);
      void lookup(scanned);
    } catch {
      // the user closed the scanner
    }
  };

  const change = (field: keyof JoinFormValues) => (v: string) => {
    setValues((old) => ({ ...old, [field]: v }));
    setErrors((old) => ({ ...old, [field]: undefined }));
    keyRef.current = uuidV4();
  };

  const submit = async () => {
    const checked = validateJoinForm(values);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setSubmitting(true);
    setSubmitError(null);
    try {
      const r = await api.villages.join({ inviteCode: code, ...checked.body }, keyRef.current);
      setResult(r.request);
      void session.refresh();
    } catch (e) {
      setSubmitError(e as Error);
      if (isApiError(e) && e.code === 'INVITE_CODE_INVALID') setVillage(null);
    } finally {
      setSubmitting(false);
    }
  };

  if (result) {
    const approved = result.status === 'approved';
    return (
      <View data-testid="join-result">
        <PageTitle>{approved ? `已加入${result.villageName}` : '等待村干部审核'}</PageTitle>
        {approved ? (
          <Note tone="success">您的信息和村里的花名册对上了，现在就可以参与村里的事。</Note>
        ) : (
          <Note tone="warn">申请已交给{result.villageName}的村干部。审核通过后，您就可以参与村里的事。</Note>
        )}
        <View className="actions">
          <Btn onClick={() => restartAt(PAGES.home)}>回到首页</Btn>
        </View>
      </View>
    );
  }

  if (!village) {
    return (
      <View>
        <PageTitle sub="邀请码在村里的公告栏上，或向村干部、网格员要。">加入您的村</PageTitle>
        <Card>
          <Field
            label="邀请码"
            name="inviteCode"
            value={code}
            onChange={(v) => {
              setCode(normaliseInviteCode(v));
              setCodeError(null);
            }}
            placeholder="6位字母或数字"
            maxlength={6}
            error={codeError}
          />
          <ErrorNote error={lookupError} />
          <Btn onClick={() => void lookup(code)} busy={looking} testId="lookup">
            查找村
          </Btn>
          {IS_WEAPP ? (
            <View className="actions">
              <Btn kind="secondary" onClick={() => void scan()}>
                扫二维码
              </Btn>
            </View>
          ) : null}
        </Card>
      </View>
    );
  }

  return (
    <View>
      <PageTitle sub={`${village.countyName} ${village.townName}`}>{village.name}</PageTitle>
      <Card>
        <Text className="muted">请填写您的真实姓名和手机号，村里会和花名册核对。</Text>
        <View className="actions">
          <Field
            label="姓名"
            name="name"
            value={values.name}
            onChange={change('name')}
            placeholder="例如：王秀兰"
            maxlength={20}
            error={errors.name}
          />
          <Field
            label="手机号"
            name="phone"
            // Number keypad in WeChat; plain text in a browser, where type=number would drop "139 0000…".
            type={IS_WEAPP ? 'number' : 'text'}
            value={values.phone}
            onChange={change('phone')}
            placeholder="11位手机号"
            maxlength={11}
            error={errors.phone}
          />
          <Field
            label="户号"
            name="householdNo"
            optional
            value={values.householdNo}
            onChange={change('householdNo')}
            placeholder="不知道可以不填"
            maxlength={20}
            error={errors.householdNo}
          />
        </View>
        <ErrorNote error={submitError} />
        <Btn onClick={() => void submit()} busy={submitting} testId="submit-join">
          提交
        </Btn>
      </Card>
      <Btn
        kind="plain"
        onClick={() => {
          setVillage(null);
          setSubmitError(null);
        }}
      >
        不是这个村？重新输入邀请码
      </Btn>
    </View>
  );
}

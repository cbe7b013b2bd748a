/** Building blocks of the 办事 pages: the service icon (a big character with the name), slot buttons. */
import { Text, View } from '@tarojs/components';
import {
  BOOKING_STATUS_LABELS,
  type BookingStatus,
  type ServiceIcon,
  WEEKDAY_LABELS,
  beijingDate,
  slotLabel,
  weekdayOf,
} from '@shared/services/rules';
import type { TSlot } from '../api/services';
import { cx } from '../lib/format';
import { Tag } from './ui';
import './services.scss';

/** One Chinese character stands for the service (icons always come with words). */
const ICONS: Record<ServiceIcon, { char: string; color: string }> = {
  id: { char: '证', color: '#1d4ed8' },
  doc: { char: '明', color: '#0f766e' },
  medical: { char: '医', color: '#b91c1c' },
  law: { char: '法', color: '#6d28d9' },
  farm: { char: '农', color: '#15803d' },
  home: { char: '房', color: '#92400e' },
  money: { char: '补', color: '#9d174d' },
  other: { char: '办', color: '#374151' },
};

export function ServiceIconBadge({ icon, small }: { icon: ServiceIcon; small?: boolean }) {
  const i = ICONS[icon] ?? ICONS.other;
  return (
    <View
      className={cx('svc-icon', small && 'svc-icon-small')}
      style={{ background: i.color }}
      aria-hidden="true"
    >
      <Text>{i.char}</Text>
    </View>
  );
}

export function EveningTag() {
  return <Tag tone="primary">夜间</Tag>;
}

const STATUS_TONE: Record<BookingStatus, 'primary' | 'success' | 'warn' | 'neutral' | 'danger'> = {
  booked: 'primary',
  checked_in: 'success',
  done: 'success',
  no_show: 'warn',
  cancelled: 'neutral',
};

export function StatusTag({ status }: { status: BookingStatus }) {
  return <Tag tone={STATUS_TONE[status]}>{BOOKING_STATUS_LABELS[status]}</Tag>;
}

/** "12月3日 周四" */
export function dayLabel(date: string): string {
  const [, m, d] = date.split('-');
  return `${Number(m)}月${Number(d)}日 ${WEEKDAY_LABELS[weekdayOf(date)]}`;
}

/** "今天" / "明天" / "12月3日 周四" */
export function friendlyDay(date: string, now = new Date()): string {
  const today = beijingDate(now);
  const tomorrow = beijingDate(new Date(now.getTime() + 86400_000));
  if (date === today) return `今天 ${WEEKDAY_LABELS[weekdayOf(date)]}`;
  if (date === tomorrow) return `明天 ${WEEKDAY_LABELS[weekdayOf(date)]}`;
  return dayLabel(date);
}

export { slotLabel };

/** The slots of one day: free ones in the primary colour, evening ones dark with 夜间, full ones grey. */
export function SlotButtons({ slots, onPick }: { slots: TSlot[]; onPick: (s: TSlot) => void }) {
  return (
    <View className="slot-grid" data-testid="slot-grid">
      {slots.map((s) => {
        const full = s.status !== 'open';
        return (
          <View
            key={s.startsAt}
            className={cx('slot', s.evening && 'slot-evening', full && 'slot-full')}
            onClick={() => onPick(s)}
            data-testid={`slot-${s.clock}`}
            aria-label={`${s.clock}${s.evening ? ' 夜间' : ''} ${full ? '已约满' : `还有${s.free}个位置`}`}
          >
            <Text className="slot-clock">{s.clock}</Text>
            <Text className="slot-mark">
              {s.status === 'cancelled'
                ? '不办理'
                : full
                  ? '已约满'
                  : `${s.evening ? '夜间 · ' : ''}余${s.free}位`}
            </Text>
          </View>
        );
      })}
    </View>
  );
}

/** The 办事 pages outside the tab (subpackages, to keep the main package small). */
export const SERVICE_PAGES = {
  service: '/subpackages/services/service/index',
  book: '/subpackages/services/book/index',
  bookings: '/subpackages/services/bookings/index',
  desk: '/subpackages/services-desk/index/index',
  hours: '/subpackages/services-desk/hours/index',
  catalogue: '/subpackages/services-desk/services/index',
} as const;

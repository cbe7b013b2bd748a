const weapp = process.env.TARO_ENV === 'weapp';

export default defineAppConfig({
  // weapp: the native 朗读 component, available on every page (components/read-aloud.tsx renders it),
  // and the 同声传译 plugin it speaks with (add the plugin to the mini-program in the WeChat admin
  // console: 设置 → 第三方设置 → 插件管理 → 同声传译, before uploading).
  ...(weapp
    ? {
        usingComponents: { 'read-aloud': 'components/native/read-aloud/index' },
        plugins: { WechatSI: { version: '0.3.5', provider: 'wx069ba97219f66d99' } },
      }
    : {}),
  pages: [
    'pages/home/index',
    'pages/council/index',
    'pages/disclosure/index',
    'pages/services/index',
    'pages/mine/index',
    'pages/login/index',
    'pages/join/index',
    'pages/notice/index',
    'pages/inbox/index',
    'pages/notify-settings/index',
  ],
  subPackages: [
    {
      root: 'subpackages/manage',
      pages: [
        'index/index',
        'join-requests/index',
        'roster/index',
        'households/index',
        'members/index',
        'audit/index',
        'notices/index',
        'notice-new/index',
        'content-reviews/index',
      ],
    },
    {
      root: 'subpackages/matters',
      pages: ['raise/index', 'list/index', 'detail/index', 'inbox/index'],
    },
    {
      root: 'subpackages/disclosure-admin',
      pages: ['index/index', 'edit/index', 'review/index', 'town/index'],
    },
    {
      root: 'subpackages/council',
      pages: ['proposal/index', 'vote/index', 'receipt/index', 'petition/index', 'petition-new/index'],
    },
    {
      root: 'subpackages/council-admin',
      pages: ['index/index', 'stage/index', 'paper/index', 'reports/index'],
    },
    { root: 'subpackages/services', pages: ['service/index', 'book/index', 'bookings/index'] },
    { root: 'subpackages/services-desk', pages: ['index/index', 'hours/index', 'services/index'] },
  ],
  window: {
    navigationBarTitleText: '村民参与',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f2f3f5',
    backgroundTextStyle: 'dark',
  },
  // h5: no sliding page transitions (calmer for older eyes, and screenshots are never mid-slide).
  animation: false,
  tabBar: {
    color: '#4b5563',
    selectedColor: '#1d4ed8',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      {
        pagePath: 'pages/home/index',
        text: '首页',
        iconPath: 'assets/tab/home.png',
        selectedIconPath: 'assets/tab/home-on.png',
      },
      {
        pagePath: 'pages/council/index',
        text: '议事',
        iconPath: 'assets/tab/council.png',
        selectedIconPath: 'assets/tab/council-on.png',
      },
      {
        pagePath: 'pages/disclosure/index',
        text: '公开',
        iconPath: 'assets/tab/disclosure.png',
        selectedIconPath: 'assets/tab/disclosure-on.png',
      },
      {
        pagePath: 'pages/services/index',
        text: '办事',
        iconPath: 'assets/tab/services.png',
        selectedIconPath: 'assets/tab/services-on.png',
      },
      {
        pagePath: 'pages/mine/index',
        text: '我的',
        iconPath: 'assets/tab/mine.png',
        selectedIconPath: 'assets/tab/mine-on.png',
      },
    ],
  },
});

export default definePageConfig({ navigationBarTitleText: '入村申请' });

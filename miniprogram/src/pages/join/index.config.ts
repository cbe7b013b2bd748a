export default definePageConfig({ navigationBarTitleText: '加入村' });

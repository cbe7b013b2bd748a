export default definePageConfig({ navigationBarTitleText: '办理时间' });

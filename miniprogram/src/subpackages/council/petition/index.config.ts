export default definePageConfig({ navigationBarTitleText: '联名提议' });

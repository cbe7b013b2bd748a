export default definePageConfig({ navigationBarTitleText: '户和网格' });

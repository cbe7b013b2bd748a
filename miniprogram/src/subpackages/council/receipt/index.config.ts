export default definePageConfig({ navigationBarTitleText: '核对回执' });

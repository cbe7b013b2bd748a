export default definePageConfig({ navigationBarTitleText: '村民参与' });

export default definePageConfig({ navigationBarTitleText: '公开管理' });

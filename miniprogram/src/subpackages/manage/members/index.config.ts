export default definePageConfig({ navigationBarTitleText: '村民和身份' });

export default definePageConfig({ navigationBarTitleText: '办事窗口' });

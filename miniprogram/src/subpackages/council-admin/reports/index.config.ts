export default definePageConfig({ navigationBarTitleText: '被举报的意见' });

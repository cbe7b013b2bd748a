export default definePageConfig({ navigationBarTitleText: '记录议事步骤' });

/**
 * The default 小微权力清单 a village adopts and then edits: the typical small powers of a village,
 * each with its legal basis, the responsible role, the steps (who acts, within how many working
 * days) and the materials to bring. Drawn from the lists counties publish (e.g. 浙江宁海
 * "36条"); a village changes what differs locally. Pure data.
 */

export type PowerStep = { title: string; actor: string; limitDays: number | null };
export type PowerItem = {
  key: string;
  group: 'collective' | 'service';
  title: string;
  legalBasis: string;
  responsible: string;
  steps: PowerStep[];
  materials: string[];
};

export const POWER_GROUP_LABELS: Record<PowerItem['group'], string> = {
  collective: '集体管理事项',
  service: '便民服务事项',
};

const s = (title: string, actor: string, limitDays: number | null = null): PowerStep => ({
  title,
  actor,
  limitDays,
});

export const POWER_TEMPLATE: readonly PowerItem[] = [
  {
    key: 'major_decision',
    group: 'collective',
    title: '村级重大事项决策（四议两公开）',
    legalBasis: '《村民委员会组织法》第二十四条；《中国共产党农村基层组织工作条例》第十九条',
    responsible: '村党组织书记',
    steps: [
      s('村党组织提议', '村党组织', 5),
      s('村两委会议商议', '村两委', 5),
      s('党员大会审议', '全体党员', 7),
      s('村民会议或村民代表会议决议', '村民（代表）', 7),
      s('决议公开', '村委会', 3),
      s('实施结果公开', '村委会', null),
    ],
    materials: ['提议书', '会议记录', '表决结果'],
  },
  {
    key: 'tendering',
    group: 'collective',
    title: '村级工程项目招投标',
    legalBasis: '《招标投标法》；省、县村级工程建设项目管理办法',
    responsible: '村委会主任',
    steps: [
      s('按四议两公开确定项目', '村两委', 15),
      s('编制招标方案，报镇审核', '村委会', 5),
      s('发布招标公告', '镇招投标中心', 5),
      s('开标评标，监委会全程监督', '评标小组、监委会', 1),
      s('公示中标结果', '村委会', 3),
      s('签订合同', '村委会主任', 5),
    ],
    materials: ['项目决议', '预算书', '招标文件'],
  },
  {
    key: 'asset_disposal',
    group: 'collective',
    title: '集体资产资源处置（出租、发包、出售）',
    legalBasis: '《民法典》第二百六十一条；《村民委员会组织法》第二十四条',
    responsible: '村委会主任',
    steps: [
      s('提出处置方案（评估价）', '村委会', 10),
      s('村民（代表）会议决议', '村民（代表）', 7),
      s('报镇农经站审核', '镇农经站', 5),
      s('公开竞价或招标', '村委会、监委会', 10),
      s('签订合同并公示', '村委会', 3),
    ],
    materials: ['资产清单', '评估报告', '决议记录'],
  },
  {
    key: 'finance_approval',
    group: 'collective',
    title: '村级财务收支审批',
    legalBasis: '《村集体经济组织财务制度》；县村级财务管理办法',
    responsible: '村委会主任、报账员',
    steps: [
      s('经办人取得票据，写明用途', '经办人', 3),
      s('村务监督委员会审核签字', '监委会', 3),
      s('村主要负责人审批签字', '村主任', 3),
      s('镇三资中心审核入账', '镇三资中心', 5),
      s('按月财务公开', '报账员', 10),
    ],
    materials: ['原始票据', '验收单或合同'],
  },
  {
    key: 'project_construction',
    group: 'collective',
    title: '村级工程项目建设与验收',
    legalBasis: '《建设工程质量管理条例》；县村级小型工程管理办法',
    responsible: '村委会主任',
    steps: [
      s('开工前公示项目和施工单位', '村委会', 3),
      s('施工，监委会和村民代表监督', '施工单位、监委会', null),
      s('竣工验收', '镇相关部门、村两委、监委会', 10),
      s('结算审计', '镇审计', 30),
      s('公开结算结果', '村委会', 5),
    ],
    materials: ['施工合同', '验收报告', '结算审计报告'],
  },
  {
    key: 'homestead',
    group: 'service',
    title: '农村宅基地申请',
    legalBasis: '《土地管理法》第六十二条；《农村宅基地管理办法》',
    responsible: '村委会主任',
    steps: [
      s('村民提出书面申请', '申请人', null),
      s('村民小组会议讨论并公示', '村民小组', 5),
      s('村委会审查，签署意见', '村委会', 5),
      s('报镇政府审批', '镇政府', 20),
      s('现场放样，开工查验', '镇、村', 5),
    ],
    materials: ['宅基地申请表', '户口簿', '身份证', '承诺书'],
  },
  {
    key: 'subsistence',
    group: 'service',
    title: '最低生活保障（低保）、临时救助申请',
    legalBasis: '《社会救助暂行办法》第十一条、第四十七条',
    responsible: '村委会分管民政的干部',
    steps: [
      s('村民提出申请', '申请人', null),
      s('入户调查家庭情况', '村委会、网格员', 10),
      s('村民代表评议并公示', '村民代表', 7),
      s('报镇政府审核', '镇民政办', 15),
      s('县民政局审批，村里公示结果', '县民政局、村委会', 15),
    ],
    materials: ['申请书', '户口簿', '身份证', '收入和财产说明', '病历或残疾证（如有）'],
  },
  {
    key: 'land_compensation',
    group: 'service',
    title: '土地征收补偿款分配',
    legalBasis: '《土地管理法》第四十八条；《村民委员会组织法》第二十四条',
    responsible: '村委会主任',
    steps: [
      s('拟定分配方案', '村两委', 10),
      s('村民会议决议', '村民会议', 7),
      s('方案公示', '村委会', 7),
      s('报镇政府备案', '镇政府', 5),
      s('按户发放，张榜公布', '村委会、报账员', 10),
    ],
    materials: ['征地协议', '分配方案', '发放花名册'],
  },
  {
    key: 'certificates',
    group: 'service',
    title: '出具各类证明',
    legalBasis: '《村民委员会组织法》第二条；县村级证明事项清单',
    responsible: '村委会主任',
    steps: [
      s('村民提出，说明用途', '申请人', null),
      s('核实情况', '村干部、网格员', 2),
      s('主任签字并登记', '村委会主任', 1),
    ],
    materials: ['身份证', '相关证明材料'],
  },
  {
    key: 'seal_use',
    group: 'service',
    title: '村级印章使用',
    legalBasis: '县村级组织印章管理办法',
    responsible: '村党组织书记（印章保管人）',
    steps: [
      s('填写用印申请，写明事由', '经办人', null),
      s('村主要负责人审批', '书记或主任', 1),
      s('保管人核对并盖章登记', '印章保管人', 1),
    ],
    materials: ['用印申请单', '需盖章的材料'],
  },
  {
    key: 'new_member',
    group: 'service',
    title: '集体经济组织成员身份确认',
    legalBasis: '《农村集体经济组织法》第十二条',
    responsible: '村经济合作社社长',
    steps: [
      s('本人申请', '申请人', null),
      s('审核户籍、生活保障情况', '村两委', 10),
      s('成员（代表）大会表决', '成员（代表）', 15),
      s('公示并报镇备案', '村委会', 7),
    ],
    materials: ['申请书', '户口簿', '身份证'],
  },
];

// Enterprises (企业): trade names, industries (GB/T 4754-2017 sections), registered capital,
// founding dates and organisation-code bodies for their credit codes (统一社会信用代码).
import { Prng, WeightedTable } from './prng.ts';

export interface Industry {
  /** GB/T 4754-2017 门类 section letter. */
  section: string;
  name: string;
  /** Words that end a company name in this industry (行业表述). */
  words: readonly string[];
}

// Weights: rough shares of enterprises by section in a Shandong prefecture.
const INDUSTRIES: readonly (readonly [Industry, number])[] = [
  [{ section: 'A', name: '农、林、牧、渔业', words: ['农业科技', '农业开发', '养殖', '种植', '蔬菜种植', '生态农业'] }, 6],
  [{ section: 'C', name: '制造业', words: ['钢管制造', '轴承制造', '机械制造', '纺织', '食品', '化工', '电子科技', '新材料', '汽车配件', '家具制造'] }, 18],
  [{ section: 'E', name: '建筑业', words: ['建筑工程', '建设工程', '装饰工程', '市政工程', '防水工程'] }, 9],
  [{ section: 'F', name: '批发和零售业', words: ['商贸', '贸易', '物资', '百货', '医药销售', '农资'] }, 30],
  [{ section: 'G', name: '交通运输、仓储和邮政业', words: ['物流', '运输', '仓储服务', '货运代理'] }, 6],
  [{ section: 'H', name: '住宿和餐饮业', words: ['餐饮管理', '酒店管理', '餐饮服务'] }, 5],
  [{ section: 'I', name: '信息传输、软件和信息技术服务业', words: ['信息技术', '网络科技', '软件开发', '数字科技'] }, 5],
  [{ section: 'K', name: '房地产业', words: ['房地产开发', '物业管理', '置业'] }, 3],
  [{ section: 'L', name: '租赁和商务服务业', words: ['企业管理咨询', '广告', '人力资源服务', '商务服务', '设备租赁'] }, 9],
  [{ section: 'M', name: '科学研究和技术服务业', words: ['科技', '技术服务', '检测', '工程设计'] }, 5],
  [{ section: 'O', name: '居民服务、修理和其他服务业', words: ['家政服务', '汽车维修', '保洁服务', '养老服务'] }, 4],
];

/** The sections used by the generator, code → name, for the console's legend. */
export const INDUSTRY_SECTIONS: Readonly<Record<string, string>> = Object.fromEntries(INDUSTRIES.map(([i]) => [i.section, i.name]));

const industryTable = new WeightedTable(INDUSTRIES);

// Characters used in trade names (字号): auspicious, local (东昌, 运河, 鲁西) and modern.
const TRADE_CHARS = [...new Set(Array.from('鑫华盛泰源恒瑞丰宏昌隆兴润达利安康顺通德信诚祥和新金宇晟汇博嘉佳众合凯腾远航明辉锦晨宸睿智运河鲁西水城光岳凤凰'))];

// Common registered capitals in 万元 (ten thousand yuan), as registries show them.
const CAPITALS = new WeightedTable<number>([
  [3, 3], [5, 6], [10, 10], [20, 6], [30, 6], [50, 14], [100, 18], [200, 10], [300, 6], [500, 9],
  [800, 2], [1000, 6], [2000, 2], [3000, 1.5], [5000, 1], [10000, 0.5],
]);

export function drawIndustry(prng: Prng): Industry {
  return industryTable.draw(prng);
}

const C = TRADE_CHARS.length;
const PAIRS = C * (C - 1);
const TRIPLES = C * (C - 1) * (C - 2);
const TRADE_FACTOR = 1543; // a prime dividing neither PAIRS nor TRIPLES: k → k·F + b is a bijection

/** The k-th sequence of `length` distinct characters. */
function distinctChars(k: number, length: number): string {
  const pool = [...TRADE_CHARS];
  let out = '';
  for (let i = 0; i < length; i++) {
    const n = pool.length;
    out += pool.splice(k % n, 1)[0] ?? '';
    k = Math.floor(k / n);
  }
  return out;
}

/**
 * 字号 trade names that never repeat within a district and industry wording, as the company-name
 * rules require: the k-th name of a (district, wording) pair comes from k through a bijection,
 * two characters while they last, then three.
 */
export class TradeNames {
  private readonly issued = new Map<string, { count: number; offset: number }>();

  constructor(private readonly seed: number) {}

  next(districtCode: string, wording: string): string {
    const key = `${districtCode}/${wording}`;
    let entry = this.issued.get(key);
    if (!entry) {
      entry = { count: 0, offset: new Prng(this.seed, `trade/${key}`).uint32() };
      this.issued.set(key, entry);
    }
    const k = entry.count++;
    if (k < PAIRS) return distinctChars((k * TRADE_FACTOR + entry.offset) % PAIRS, 2);
    const k3 = k - PAIRS;
    if (k3 < TRIPLES) return distinctChars((k3 * TRADE_FACTOR + entry.offset) % TRIPLES, 3);
    return distinctChars(entry.offset % PAIRS, 2) + String(k3 - TRIPLES + 1);
  }
}

/** 聊城市东昌府区鑫华钢管制造有限公司 */
export function enterpriseName(districtName: string, tradeName: string, industryWord: string): string {
  return `聊城市${districtName}${tradeName}${industryWord}有限公司`;
}

export function drawCapital(prng: Prng): number {
  return CAPITALS.draw(prng);
}

/** Founding year weights: registrations grew fast after the 2014 commercial-registration reform. */
export function drawFoundingYear(prng: Prng, earliest: number, latest: number): number {
  const span = latest - earliest;
  if (span <= 0) return latest;
  // Density rising with the year: the max of two uniform draws, skewed again for recent years.
  const u = Math.max(prng.next(), prng.next(), prng.next());
  return earliest + Math.min(span, Math.floor(u * (span + 1)));
}

// Organisation-code bodies must be unique in the country; we derive them from a counter through
// a bijection, so they are unique without a set of the codes issued. Since October 2015 new
// enterprises get bodies starting MA (market regulation); older ones had 8 digits.
const BASE31 = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const MA_SPACE = 31 ** 6;
const DIGIT_SPACE = 10 ** 8;
const MA_FACTOR = 2_654_435; // coprime with 31
const DIGIT_FACTOR = 48_271_019; // coprime with 10

export function organisationBody(counter: number, offset: number, since2015: boolean): string {
  if (since2015) {
    let n = (counter * MA_FACTOR + offset) % MA_SPACE;
    let body = '';
    for (let i = 0; i < 6; i++) {
      body = BASE31.charAt(n % 31) + body;
      n = Math.floor(n / 31);
    }
    return `MA${body}`;
  }
  return String((counter * DIGIT_FACTOR + offset) % DIGIT_SPACE).padStart(8, '0');
}

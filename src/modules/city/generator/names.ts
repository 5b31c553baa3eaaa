// Chinese personal names (姓名). Surname weights follow the 2020 household-register ranking,
// nudged towards Shandong (孙, 于, 马 and 田 are more common there); given-name characters
// change with the decade of birth, as they do in the register.
import { type Prng, WeightedTable } from './prng.ts';

export type Sex = 'male' | 'female';

// Per-mille of the population, roughly.
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 80], ['李', 74], ['张', 72], ['刘', 56], ['陈', 38], ['杨', 32], ['赵', 28], ['孙', 24],
  ['黄', 14], ['周', 14], ['吴', 12], ['徐', 17], ['马', 17], ['朱', 12], ['胡', 11], ['郭', 13],
  ['何', 6], ['高', 14], ['林', 7], ['罗', 5], ['郑', 8], ['梁', 9], ['谢', 5], ['宋', 10],
  ['唐', 5], ['许', 8], ['韩', 9], ['冯', 7], ['邓', 4], ['曹', 8], ['彭', 4], ['曾', 3],
  ['肖', 5], ['田', 9], ['董', 9], ['袁', 5], ['潘', 4], ['于', 12], ['蒋', 4], ['蔡', 4],
  ['余', 3], ['杜', 6], ['叶', 3], ['程', 6], ['苏', 5], ['魏', 7], ['吕', 6], ['丁', 6],
  ['任', 6], ['沈', 3], ['姚', 5], ['卢', 5], ['姜', 7], ['崔', 7], ['钟', 2], ['谭', 3],
  ['陆', 2], ['汪', 2], ['范', 5], ['金', 3], ['石', 5], ['廖', 2], ['贾', 6], ['夏', 3],
  ['韦', 1], ['付', 5], ['方', 3], ['白', 4], ['邹', 3], ['孟', 6], ['熊', 2], ['秦', 4],
  ['邱', 3], ['江', 2], ['尹', 4], ['薛', 4], ['闫', 5], ['段', 3], ['雷', 2], ['侯', 5],
  ['龙', 1], ['史', 4], ['陶', 2], ['黎', 1], ['贺', 2], ['顾', 2], ['毛', 3], ['郝', 5],
  ['龚', 1], ['邵', 3], ['万', 2], ['钱', 2], ['严', 2], ['覃', 1], ['武', 5], ['戴', 2],
  ['莫', 1], ['孔', 4], ['向', 1], ['汤', 2], ['常', 4], ['耿', 3], ['庞', 2], ['商', 2],
];

interface NamePool {
  male: readonly string[];
  female: readonly string[];
  /** Share of one-character given names. */
  single: number;
}

const split = (chars: string): readonly string[] => Array.from(chars);

// Pools by birth year: up to 1959, 1960–1979, 1980–1999, 2000–2009, 2010 and later.
const POOLS: readonly (readonly [number, NamePool])[] = [
  [1959, {
    male: split('福贵宝山德明国建忠文华民荣富林海青春祥顺金玉成正学兴广长庆永胜利振清洪树田生保平和'),
    female: split('秀英兰桂珍凤芳玉华梅淑芝荣琴云莲翠花素美香爱霞菊金俊月秋巧凤'),
    single: 0.2,
  }],
  [1979, {
    male: split('伟强军勇磊涛斌波刚辉鹏峰建华明亮杰平东海永志文俊红卫光新宏立国庆'),
    female: split('丽静敏燕艳娟霞红芳玲萍洁琳丹慧英华梅玉莉秀凤云兰红霞'),
    single: 0.3,
  }],
  [1999, {
    male: split('伟磊鹏超飞帅鑫浩杰涛强斌凯旭晨阳龙亮博宁健东振坤金'),
    female: split('婷雪倩静丽娜敏燕晶丹颖琳璐佳欣悦月蕾萍慧洁'),
    single: 0.2,
  }],
  [2009, {
    male: split('浩宇鑫博帅晨杰凯旭鹏轩飞昊阳超龙豪文俊明哲瑞泽康家'),
    female: split('婷雪倩琪佳欣悦颖月璐瑶晶梦蕾雨涵怡宁静思嘉馨'),
    single: 0.1,
  }],
  [9999, {
    male: split('子轩浩宇梓睿泽铭辰皓然一诺俊熙博文宸逸航沐锦奕承煜'),
    female: split('子涵梓欣怡诗雨语桐可馨萱依一若思梦嘉琪玥沫芮安'),
    single: 0.05,
  }],
];

const surnameTable = new WeightedTable(SURNAMES);

export function drawSurname(prng: Prng): string {
  return surnameTable.draw(prng);
}

function poolFor(birthYear: number): NamePool {
  for (const [until, pool] of POOLS) if (birthYear <= until) return pool;
  return (POOLS[POOLS.length - 1] as readonly [number, NamePool])[1];
}

/** A given name (名) of one or two characters, in the style of the decade of birth. */
export function drawGivenName(prng: Prng, sex: Sex, birthYear: number): string {
  const pool = poolFor(birthYear);
  const chars = sex === 'male' ? pool.male : pool.female;
  const first = prng.pick(chars);
  if (prng.chance(pool.single)) return first;
  // Reduplicated names (叠字) such as 婷婷 are mostly girls' names.
  if (sex === 'female' && prng.chance(0.04)) return first + first;
  let second = prng.pick(chars);
  while (second === first) second = prng.pick(chars);
  return first + second;
}

"""Generate the sample 《目录》 catalog: fictional enterprises, marked 示例, from a fixed seed.

The official catalog is not published in machine-readable form, so the bundled KB ships this
sample instead. Every enterprise name ends in （示例） and every row's 来源 says it is generated.

    python -m ingest.catalog.sample                      # rewrites the bundled 300-row sample
    python -m ingest.catalog.sample --rows 10000 --out /tmp/catalog10k.csv   # benchmark data
"""

from __future__ import annotations

import argparse
import csv
import random
from importlib import resources
from pathlib import Path

from ingest.catalog.credit_code import CHARSET, complete_code
from knowledge.catalog.models import CORE_TECH_LEVELS, SAMPLE_SOURCE

SEED = 573
DEFAULT_ROWS = 300

#: Sector → (product, what it does) pairs typical of a Zhejiang manufacturing catalog.
SECTORS: dict[str, list[tuple[str, str]]] = {
    "装备制造": [
        ("高压变频器", "用于电力、冶金、水泥行业风机水泵调速节能，可替代进口同类产品"),
        ("五轴联动数控加工中心", "适用于航空航天及汽车模具复杂曲面零件的高精度加工"),
        ("工业机器人", "六轴关节型，负载二十公斤，用于焊接、搬运和码垛"),
        ("智能注塑机", "伺服驱动全电动注塑成型，能耗低、重复精度高"),
        ("精密减速器", "RV 减速器，用于工业机器人关节，背隙小、寿命长"),
        ("螺杆空气压缩机", "两级压缩永磁变频，比功率优于国家一级能效"),
        ("盾构机主轴承密封", "用于隧道掘进装备，耐高压耐磨损"),
        ("智能电能表", "具备远程费控与负荷辨识功能的双芯智能电表"),
    ],
    "新材料": [
        ("高性能碳纤维复合材料", "用于风电叶片与轨道交通车体的轻量化结构件"),
        ("氟硅新材料", "耐高温氟硅橡胶，用于汽车涡轮增压管路"),
        ("光伏封装胶膜", "抗电势诱导衰减的 POE 胶膜，用于双玻组件"),
        ("高端磁性材料", "高矫顽力钕铁硼永磁体，用于新能源汽车驱动电机"),
        ("特种不锈钢管", "用于核电与石化装置的高温高压换热管"),
        ("生物基可降解塑料", "聚乳酸改性材料，用于一次性餐具与包装"),
    ],
    "电子信息": [
        ("视频监控摄像机", "智能分析网络摄像机，支持人脸与车辆结构化识别"),
        ("工业交换机", "宽温工业以太网交换机，用于电力与轨道交通通信"),
        ("集成电路封装测试设备", "晶圆级封装检测，国产化替代进口设备"),
        ("服务器", "国产处理器双路服务器，用于政务云与数据中心"),
        ("智能交通信号控制机", "自适应配时，用于城市道路路口信号控制"),
        ("电力线载波通信模块", "用于用电信息采集系统的高速载波通信"),
    ],
    "生物医药": [
        ("医用内窥镜", "高清电子内窥镜系统，用于消化道早癌筛查"),
        ("血液透析机", "具备在线监测功能的血液透析设备"),
        ("体外诊断试剂", "化学发光免疫分析试剂，用于肿瘤标志物检测"),
        ("医用超声诊断仪", "便携式彩色多普勒超声诊断系统"),
        ("原料药", "高纯度头孢类原料药，符合欧美药典标准"),
    ],
    "纺织服装": [
        ("功能性面料", "抗菌防紫外线功能性针织面料，用于户外运动服装"),
        ("高端西服", "全毛精纺定制西服，采用智能量体与柔性生产"),
        ("产业用纺织品", "高强涤纶工业丝，用于安全带与输送带骨架"),
        ("无纺布", "医用级熔喷无纺布，过滤效率高"),
    ],
    "汽车及零部件": [
        ("新能源汽车驱动电机", "永磁同步驱动电机，功率密度高、效率高"),
        ("汽车制动系统", "电子驻车制动系统，用于乘用车"),
        ("动力电池管理系统", "电池管理系统，具备主动均衡与热失控预警"),
        ("汽车轮毂轴承单元", "第三代轮毂轴承单元，配套主机厂"),
        ("车用空调压缩机", "电动涡旋压缩机，用于新能源汽车热管理"),
    ],
    "节能环保": [
        ("烟气脱硝催化剂", "蜂窝式脱硝催化剂，用于燃煤电厂超低排放"),
        ("污水处理膜组件", "中空纤维超滤膜组件，用于市政污水与中水回用"),
        ("余热回收锅炉", "用于水泥与玻璃窑炉的余热发电"),
        ("LED 路灯", "智能调光 LED 道路照明灯具，节能百分之五十以上"),
        ("垃圾焚烧炉排", "机械往复式炉排，用于生活垃圾焚烧发电"),
    ],
    "智能家居": [
        ("集成灶", "侧吸下排集成灶，油烟吸净率高"),
        ("智能马桶", "即热式智能坐便器，具备自动冲洗与座圈加热"),
        ("智能门锁", "指纹与人脸识别智能门锁，支持远程授权"),
        ("净水器", "反渗透净水器，大通量无桶设计"),
        ("电动晾衣机", "智能升降晾衣机，带照明与风干功能"),
    ],
    "电力能源": [
        ("光伏逆变器", "组串式光伏并网逆变器，最大效率百分之九十九"),
        ("储能变流器", "用于电网侧与用户侧储能电站的双向变流器"),
        ("智能环网柜", "一二次融合智能环网柜，用于配电网自动化"),
        ("干式变压器", "环氧树脂浇注干式变压器，低损耗低噪声"),
    ],
    "水利水务": [
        ("智能水表", "NB-IoT 远传智能水表，用于供水管网计量"),
        ("大型轴流泵", "用于排涝泵站与调水工程的大型轴流泵"),
        ("闸门启闭机", "液压启闭机，用于水利枢纽闸门控制"),
    ],
}

REGIONS = ("杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市")
_NAME_CHARS = "恒远华创宏达鑫泰瑞丰盛兴博瀚永安中科正德天元明远嘉禾新锐弘毅启航卓越星辰海纳百川云帆精诚致远睿达"
_TRADE = {"装备制造": "机电", "新材料": "新材料", "电子信息": "电子", "生物医药": "医疗器械", "纺织服装": "纺织",
          "汽车及零部件": "汽车部件", "节能环保": "环保科技", "智能家居": "电器", "电力能源": "电气", "水利水务": "水务设备"}
_FORMS = ("有限公司", "股份有限公司", "科技有限公司")
_SERIES = "ABCDEFGHJKLMNPRSTXYZ"
_HEADER = ("产品编号", "产品名称", "企业名称", "统一社会信用代码", "所在地区", "领域", "年度", "认定日期",
           "核心技术水平", "明晰自主知识产权", "品牌", "产品简介", "状态", "退出日期", "退出原因", "来源")


def _enterprise(rng: random.Random, sector: str, used: set[str]) -> str:
    while True:
        core = "".join(rng.sample(_NAME_CHARS, 2))
        name = f"{rng.choice(REGIONS)[:2]}{core}{_TRADE[sector]}{rng.choice(_FORMS)}（示例）"
        if name not in used:
            used.add(name)
            return name


def _credit_code(rng: random.Random) -> str:
    body = "9133" + "".join(rng.choice("0123456789") for _ in range(4)) + "".join(rng.choice(CHARSET) for _ in range(9))
    return complete_code(body)


def generate(rows: int = DEFAULT_ROWS, seed: int = SEED, *, credit_codes: bool = False,
             distinct: bool = False) -> list[list[str]]:
    """The sample catalog as CSV records (header first). Same arguments, same output.

    ``distinct`` starts every description with its own series number, so no two rows share an
    embedded text (a real catalog's worst case; benchmarks use it).
    """
    rng = random.Random(seed)
    used: set[str] = set()
    enterprises = {s: [_enterprise(rng, s, used) for _ in range(max(3, rows // 40))] for s in SECTORS}
    records: list[list[str]] = [list(_HEADER)]
    for i in range(rows):
        sector = rng.choice(list(SECTORS))
        product, what = rng.choice(SECTORS[sector])
        enterprise = rng.choice(enterprises[sector])
        year = rng.choice(range(2014, 2026))
        model = f"{rng.choice(_SERIES)}{rng.choice(_SERIES)}-{rng.randrange(100, 999)}"
        certified = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        level = rng.choices(CORE_TECH_LEVELS, weights=(2, 4, 6, 3, 1))[0]
        withdrawn = rng.random() < 0.04
        records.append([
            f"SL{year}{i + 1:05d}",
            f"{model}型{product}",
            enterprise,
            _credit_code(rng) if credit_codes else "",
            f"{enterprise[:2]}市",
            sector,
            str(year),
            certified,
            level,
            "是" if rng.random() < 0.85 else "否",
            enterprise[2:4],
            f"{i + 1}系列，{what}（示例数据）" if distinct else f"{what}（示例数据）",
            "已退出" if withdrawn else "有效",
            f"{year + 1}-06-30" if withdrawn else "",
            "动态考评不合格（示例）" if withdrawn else "",
            SAMPLE_SOURCE,
        ])
    return records


def write_csv(path: Path, rows: int = DEFAULT_ROWS, seed: int = SEED, *, credit_codes: bool = False,
              encoding: str = "utf-8", distinct: bool = False) -> Path:
    """Write the generated catalog to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(generate(rows, seed, credit_codes=credit_codes, distinct=distinct))
    return path


def main() -> None:
    """Command line: regenerate the bundled sample or write benchmark data."""
    parser = argparse.ArgumentParser(description="生成示例《目录》（虚构企业，固定随机种子）")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--credit-codes", action="store_true", help="生成校验位正确的虚构信用代码")
    parser.add_argument("--distinct", action="store_true", help="每行产品简介各不相同（基准测试用）")
    parser.add_argument("--out", type=Path,
                        default=Path(str(resources.files("knowledge") / "data" / "catalog" / "sample_catalog.csv")))
    args = parser.parse_args()
    print(write_csv(args.out, args.rows, args.seed, credit_codes=args.credit_codes, distinct=args.distinct))


if __name__ == "__main__":
    main()

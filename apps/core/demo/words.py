"""The Chinese words the demo writes: names, respondents, complaint summaries, decisions, letters."""

from apps.policy.models import IdentityMethod

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔"
)
GIVEN_NAMES = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀兰", "霞", "平", "刚", "桂英", "浩然", "子涵", "梓萱", "一诺", "欣怡", "宇轩", "思远",
    "雨桐", "俊杰", "佳怡", "晨阳", "诗涵", "博文", "嘉怡", "明轩", "雅琪", "梦瑶", "志强", "建华", "国庆",
    "晓东", "丹丹", "婷婷", "海燕", "春梅", "文博", "天宇", "子轩", "若曦", "振华", "立新", "慧敏", "凯",
)
BRANDS = (
    "星河", "云朵", "南山", "橙子", "悦己", "木木", "蓝鲸", "鹿角", "青柠", "拾光", "晨曦", "麦田", "海盐",
    "知音", "小满", "远山", "暖阳", "简素", "半糖", "北岸",
)
RESPONDENT_SHAPES = {
    "wechat": ("{brand}生活圈公众号", "{brand}严选小程序", "{brand}读书会公众号", "{brand}到家小程序",
               "{brand}微商城", "微信用户 {brand}{given}"),
    "alipay": ("{brand}便利店", "{brand}生鲜超市", "{brand}共享充电", "{brand}手机维修", "{brand}洗衣店",
               "{brand}花艺工作室"),
    "douyin": ("@{brand}美食日记", "@{surname}{given}说车", "@{brand}穿搭研究所", "@山野{brand}小厨",
               "@{brand}的日常vlog", "{brand}优选直播间"),
    "taobao": ("{brand}数码专营店", "{brand}家纺旗舰店", "{brand}美妆小铺", "{brand}母婴专营店",
               "{brand}家居官方店", "{brand}茶叶工作室", "{brand}户外用品店"),
}
FRESH_RESPONDENT = "微信用户 {brand}{given}"  # the respondent of a fresh demo complaint (fresh.py)
RESPONDENT_FALLBACK = ("{brand}商贸有限公司", "{brand}官方账号")

SUMMARIES = {
    "infringement": (
        "未经授权使用本人原创摄影作品作为商品主图。",
        "直播及宣传海报中使用本人肖像，未取得本人同意。",
        "盗用本人设计的插画图案印制商品并公开销售。",
        "未经许可转载本人原创视频并二次剪辑后发布。",
    ),
    "fraud": (
        "以低价转让游戏账号为由收取定金后失联。",
        "冒充平台客服以退款为名诱导转账 3,200 元。",
        "虚构投资理财项目，承诺高额回报骗取资金。",
        "发布虚假二手手机交易信息，收款后拒不发货。",
    ),
    "account_violation": (
        "该账号频繁私信发送引流广告，严重骚扰。",
        "账号疑似批量注册，用于刷单和虚假好评。",
        "在评论区多次发布辱骂、人身攻击言论。",
        "冒用本人姓名和头像注册账号并发布内容。",
    ),
    "content_infringement": (
        "搬运本人公众号原创文章，未注明出处。",
        "盗用本人原创图片用于商品详情页。",
        "抄袭本人连载小说的多个章节内容。",
        "未经授权使用本人拍摄的短视频片段。",
    ),
}
SUMMARY_FALLBACK = ("对方发布的内容侵害了本人的合法权益。",)

APPROVAL_REASONS = {
    "infringement": "撤诉书面证明及法律文书齐全，权利人已撤回主张，同意撤销。",
    "account_violation": "被投诉方已书面同意撤销，双方协商一致，同意撤销。",
    "content_infringement": "平台复核未发现侵权内容仍在传播，双方已和解，同意撤销。",
}
APPROVAL_FALLBACK = "材料齐全、证据链完整，同意撤销。"
REFUSAL_REASONS = {
    "infringement": ("未提供权利人出具的撤诉书面证明，不符合撤销条件。",
                     "所附法律文书未经权利人签章，无法核实撤诉意愿。"),
    "account_violation": ("被投诉方未同意撤销，双方未能协商一致。",
                          "未提供被投诉方同意书，无法确认双方已协商一致。"),
    "content_infringement": ("平台审核已认定内容侵权成立，依平台审核优先原则不予撤销。",
                             "侵权内容仍在传播，暂不支持撤销。"),
}
REFUSAL_FALLBACK = ("已进入终审阶段，未补充司法介入材料，不予撤销。",)
EXPIRY_REASON = "超过平台最长处理时限，工单已过期。"
ROUTED_REASON = (
    "当前阶段无法直接撤销，已引导至「{name}」"
    "（约 {days_min}–{days_max} 天，费用：{cost}，成功率约 {rate:.0%}）。"
)

LETTER_FACTS = {
    "minor": "系本人孩子在为游戏充值时发起的举报，并非本人真实意愿",
    "enterprise_account": "系本公司公众号运营人员对广告内容判断有误所致",
    "cross_border": "双方因一笔海外代购订单产生纠纷，现已协商解决",
    "system_triggered": "该投诉由我方系统经 API 接口自动触发，技术日志显示属于误报",
    "infringement": "对方已取得作品授权，并与本人补签了授权协议",
    "account_violation": "对方已停止相关行为并向本人书面致歉",
    "content_infringement": "对方已删除相关内容并公开注明原作者",
}
LETTER_FACT_FALLBACK = "经核实，投诉所涉事实与实际情况不符"
LETTER_REASONS = {
    "minor": "未成年人误发起投诉", "enterprise_account": "企业账号误投诉", "cross_border": "跨境纠纷已和解",
    "system_triggered": "系统误触发", "infringement": "已取得授权", "account_violation": "双方已协商一致",
    "content_infringement": "对方已整改",
}
REMEDIES = (
    "本人将在{platform}发布澄清说明，并向对方补偿 {amount} 元，弥补投诉造成的流量损失",
    "本人将承担对方因本次投诉产生的申诉费用 {amount} 元",
    "本人将在三个工作日内向对方书面致歉，并补偿 {amount} 元",
)
BLAME_PHRASES = ("不小心点到了投诉按钮，属于误操作", "误操作，不小心选错了投诉类型", "手滑点错了，不是我的错")

REJECTION_FALLBACK = ("验证未通过",)
REJECTION_REASONS: dict[str, tuple[str, ...]] = {
    IdentityMethod.FACE_RECOGNITION: ("人脸比对相似度不足", "活体检测未通过：光线过暗", "检测到多张人脸"),
    IdentityMethod.SMS_CODE: ("短信验证码错误", "短信验证码已过期"),
    IdentityMethod.PAYMENT_PASSWORD: ("支付密码错误",),
    IdentityMethod.REAL_NAME: ("实名信息与账号不一致",),
    IdentityMethod.DIGITAL_CERTIFICATE: ("数字证书已过期", "证书签名校验失败"),
}

# The conversation and the notes of a ticket's history.
ASK_FOR_EVIDENCE = "您好，为了继续处理，请补充和解协议或撤诉证明（截图或 PDF 均可），上传后在这里回复即可。"
ANSWER_WITH_EVIDENCE = "已在证据页上传和解协议的扫描件，订单号与投诉单号一致，请查收。"
CALL_OUTCOMES = ("已接通", "未接通，已发短信")
EVIDENCE_REQUEST_NOTE = "请补充证明材料后重新提交。"
EVIDENCE_ANSWERED_NOTE = "申请人已补充材料"
CANCEL_NOTE = "申请人主动取消撤销申请"

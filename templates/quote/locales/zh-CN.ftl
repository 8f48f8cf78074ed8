## 屋顶光伏及储能系统报价单，简体中文

subject = 您的光伏储能系统报价单 { $number }
preheader = 光伏储能系统总价 { $amount }，报价有效期至{ $date }。
sms = 【Northwind Energy】您的光伏储能系统报价为 { $amount }，有效期至{ $date }。点击接受报价：{ $link }

# 地址行：城市与邮政编码。
address-locality = { $city } { $postal_code }

ref-quote = 报价单编号
ref-date = 报价日期
ref-customer = 客户编号

title = 屋顶光伏及储能系统报价单
greeting = 尊敬的{ $name }：
intro = 感谢您对自发自用太阳能发电的关注。根据我们的现场勘察结果，我们很高兴为您提供以下系统方案，报价已包含安装及调试。

total-label = 含税总价
valid-until = 报价有效期至

items-heading = 系统配置
col-description = 项目
col-quantity = 数量
col-unit-price = 单价
col-amount = 金额
net = 不含税金额
tax = 增值税（{ $rate }%）
total = 含税总价

validity-notice = 本报价有效期至{ $date }。在此之前，我们保证设备及安装价格不变。
accept = 接受报价

next-heading = 后续流程
next-step-accept = 在线一键接受报价，或签署报价单后寄回给我们。
next-step-survey = 我们的技术人员将在五个工作日内与您联系，预约详细的现场勘察。
next-step-install = 我们负责办理并网申请等相关手续，并为您安装系统，安装通常只需一至两天。
next-step-commission = 竣工验收后，我们将完成系统调试，并向您演示如何在 Northwind App 中查看发电量和电池状态。

closing = 祝您生活愉快！
signoff = Northwind Energy 团队

terms-validity = 本报价有效期至{ $date }，以现场勘察确认具备安装条件为前提。如勘察发现需要额外施工，我们将在开工前向您提供修订后的报价。
terms-payment = 付款方式：确认报价时支付 30%，设备到货时支付 60%，调试完成后支付 10%。所有发票须在 14 日内支付。
terms-warranty = 光伏组件享有 25 年产品及功率质保，逆变器和储能电池享有 10 年厂家质保，我方安装工程享有 5 年质保。

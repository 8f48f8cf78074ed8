## 月度电费账单，简体中文

subject = 您{ $period }的 Northwind Energy 电费账单
preheader = 应付金额：{ $amount }，请于{ $date }前支付。
sms = 【Northwind Energy】您本期电费为 { $amount }，请于{ $date }前缴纳。
sms-pay = 在线支付：{ $link }

# 地址行：城市与邮政编码。
address-locality = { $city } { $postal_code }

ref-customer = 客户编号
ref-account = 账户号码
ref-invoice = 账单编号
ref-invoice-date = 账单日期

title = 您的电费账单
greeting = 尊敬的{ $name }：
intro = 以下是您{ $start }至{ $end }期间的电费账单，其中列出了各项费用明细以及您过去十二个月的用电情况。

billing-period = 计费周期
period-value = { $start }至{ $end }
amount-due = 应付金额
due-date = 付款截止日期

overdue-title = 逾期未付。
overdue-text = 根据我们的记录，您上期账单尚有 { $amount } 未支付，该金额已计入下方的应付总额。请尽快付款，以免产生滞纳金。

items-heading = 费用明细
col-description = 项目
col-quantity = 数量
col-unit-price = 单价
col-amount = 金额
net = 不含税金额
tax = 增值税（{ $rate }%）
previous-balance = 上期余额
total-due = 应付总额

usage-title = 近 12 个月用电量

payment-heading = 付款方式
pay-now = 立即支付
payment-instructions = 请于{ $date }前支付 { $amount }。您可以点击上方按钮在线支付，也可以转账至 IBAN { $iban }，并在附言中注明参考号 { $reference }，以便我们核对您的付款。
account-text = 您可以随时在网上账户中查看所有账单和抄表记录：
account-link = 前往我的账户

remit-title = 付款信息
remit-beneficiary = 收款人
remit-iban = IBAN
remit-bic = BIC
remit-reference = 付款参考号
remit-amount = 金额
qr-caption = 使用银行 App 扫码支付

closing = 祝您生活愉快！
signoff = Northwind Energy 团队

fine-print-reading = 您的用电量根据计费周期开始和结束时的电表读数计算。如读数为估算值，我们将在获得实际读数后于下期账单中自动更正。
fine-print-complaints = 如您对本账单有任何疑问或异议，请在账单日期起六周内与我们联系。如我们未能妥善解决您的投诉，您可以免费向能源投诉调解机构申请调解。
fine-print-payment = 请于付款截止日期前全额支付账单金额。逾期付款时，我们可能收取合理的催缴费用。Northwind Energy GmbH，Hafenstraße 12，20457 Hamburg，德国。

greeting-friendly = { $name }，您好！

## 用电对比：与去年同月相比的用电量，以及一条建议。
insight-title = { $trend ->
    [up] 您的用电量较去年同期上升 { $pct }%。
    [down] 您的用电量较去年同期下降 { $pct }%。
   *[same] 您的用电量与去年同期基本持平。
}
insight-change = 本月您用电 { $now } 千瓦时，去年同月为 { $before } 千瓦时。
tip-up = 小贴士：冬季用电增加主要来自取暖和热水。室温每调低 1 °C，可节省约 6% 的取暖能耗。
tip-down = 做得好！您的用电量比去年少。请继续保持：关闭电器电源而不是让其待机，每天都能省下一点电。
tip-steady = 小贴士：待机电器可占家庭用电量的 10%。使用带开关的插线板，可以方便地彻底关闭它们。
sms-insight = { $trend ->
    [up] 用电量同比上升{ $pct }%。
    [down] 用电量同比下降{ $pct }%。
   *[same] 用电量与去年同期持平。
}

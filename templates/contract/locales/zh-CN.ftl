## 电力供应合同，简体中文

subject = 您的供电合同 { $number } 已可签署
preheader = 套餐：{ $tariff }，{ $date }起供电。请审阅并签署您的合同。
sms = 【Northwind Energy】您的供电合同 { $number } 已准备就绪，请点击链接审阅并签署：{ $link }

# 地址行：城市与邮政编码。
address-locality = { $city } { $postal_code }

ref-contract = 合同编号
ref-customer = 客户编号
ref-start = 供电开始日期

title = 电力供应合同
greeting = 尊敬的{ $name }：
intro = 感谢您选择 Northwind Energy。以下是您所选“{ $tariff }”套餐的电力供应合同。请仔细阅读后在线签署；您也可以签署本合同文本后寄回给我们。
review-sign = 审阅并签署

parties-heading = 合同双方
party-supplier = 供电方
party-customer = 客户
supplier-details = Northwind Energy GmbH，德国汉堡 Hafenstraße 12，邮编 20457
supply-address = 供电地址
customer-number = 客户编号

tariff-heading = 套餐概览
tariff-name = 套餐名称
unit-price = 电度电价
unit-price-value = 每千瓦时 { $price }
standing-charge = 基本费
standing-charge-value = 每月 { $price }
start-date = 供电开始日期
minimum-term = 最短合同期限
term-months = { $months } 个月
tariff-note = 以上价格均已包含合同签订时适用的各项税费及电网使用费。

clause-1-title = 第一条　合同标的
clause-1-p1 = Northwind Energy GmbH（以下简称“Northwind Energy”或“我方”）依照本合同及我方供电通用条款，在上述供电地址向您（以下简称“客户”）提供居民生活用电。我方所供电力全部来自可再生能源。
clause-1-p2 = 电力通过当地配电网输送。电网接入及电网运行由当地电网运营商负责，不属于本合同的范围。

clause-2-title = 第二条　合同期限与解除
clause-2-p1 = 在您原有供电合同届时已终止的前提下，我方自{ $start }起开始供电。本合同最短期限为 { $months } 个月，期满后转为无固定期限合同。
clause-2-p2 = 最短期限届满后，任何一方均可提前一个月通知解除本合同。解除通知须以书面形式（例如信函或电子邮件）作出，我方将在一周内确认收到。
clause-2-p3 = 如您搬迁，可提前两周通知解除本合同，并告知新地址；但我方提出按原有条件继续向新地址供电的除外。因重大事由解除合同的权利不受影响。

clause-3-title = 第三条　价格及价格调整
clause-3-p1 = 在“{ $tariff }”套餐下，您需按每千瓦时 { $unit_price } 支付电度电费，并按每月 { $standing_charge } 支付基本费。上述价格已包含合同签订时适用的全部税费及电网使用费。
clause-3-p2 = 如电力采购、电网使用、计量服务的成本或相关税费发生变化，我方有权相应调整价格。价格调整应公平合理，且仅可转嫁实际发生的成本变化；成本下降时，我方将按同样原则下调价格。价格调整生效前至少一个月，我方将以书面形式通知您。
clause-3-p3 = 如我方调整价格，您有权自调整生效之日起解除本合同，无需提前通知。我方将在价格调整通知中提示您享有此项权利。

clause-4-title = 第四条　结算与付款
clause-4-p1 = 我方每月根据电表读数结算您的用电量。每份账单均列明您的用电量、适用价格及已收款项。账单金额应在收到账单后 14 日内支付。
clause-4-p2 = 您可以通过自动扣款、银行转账或在线方式付款。如您逾期付款，我方可收取合理的催缴费用。我方仅在符合法律规定的条件下并事先通知后，方可中止供电。

clause-5-title = 第五条　抄表
clause-5-p1 = 您的用电量由电网运营商或计量服务商安装的电表计量。我方可请您自行抄表并告知读数；如您未能提供，我方可根据您以往的用电量或类似客户的用电量进行估算。
clause-5-p2 = 经合理提前通知后，您应允许我方、电网运营商或计量服务商的工作人员接近电表，以便抄表和检查。

clause-6-title = 第六条　责任
clause-6-p1 = 因电网运行导致的供电中断或供电异常由电网运营商负责，相关索赔应向电网运营商提出。经您要求，我方将及时告知所掌握的供电中断原因。
clause-6-p2 = 除此之外，对于造成生命、身体或健康损害的，以及因故意或重大过失造成的损失，我方承担无限责任。因一般过失造成的损失，我方仅在违反主要合同义务时承担责任，且以签订合同时可合理预见的典型损失为限。

clause-7-title = 第七条　个人信息保护
clause-7-p1 = 我方处理您的个人信息，用于履行本合同、结算用电费用以及履行法定义务。如有必要，我方将向电网运营商和计量服务商提供相关信息。详情请参阅我方隐私政策：northwind.example/privacy。
clause-7-p2 = 您有权查阅、更正和删除您的个人信息，有权限制或拒绝对其进行处理，并有权获取您的个人信息副本。您也可以向个人信息保护监管部门投诉。

clause-8-title = 第八条　撤回权
clause-8-p1 = 您可在十四日内无理由撤回本合同。撤回期限自合同订立之日起计算。
clause-8-p2 = 如需行使撤回权，请以明确的方式（例如信函或电子邮件）将您的决定告知我方：Northwind Energy GmbH，德国汉堡 Hafenstraße 12，邮编 20457，电子邮件 service@northwind.example。您只需在撤回期限届满前发出通知即可。
clause-8-p3 = 如您撤回本合同，我方将在收到您的撤回通知后立即、且最迟于十四日内退还已收取的全部款项。如您曾要求在撤回期限内开始供电，您应就截至通知撤回时已供应的电力支付合理费用。

clause-9-title = 第九条　附则
clause-9-p1 = 对本合同的任何修改或补充均须以书面形式作出。本合同的任何条款无效或失效的，不影响其余条款的效力。
clause-9-p2 = 本合同适用中华人民共和国法律。我方供电通用条款构成本合同的组成部分；如有冲突，以本合同的约定为准。

signatures-heading = 签署
signatures-text = 双方签署即表示同意本合同的全部条款。
customer-role = 签约客户

fine-print-terms = 本合同依据 Northwind Energy GmbH 供电通用条款订立，条款全文请见 northwind.example/terms。套餐价格及条件自供电开始之日起适用。
fine-print-copy = 请妥善保存本合同副本以备查阅。Northwind Energy GmbH，德国汉堡 Hafenstraße 12，邮编 20457。

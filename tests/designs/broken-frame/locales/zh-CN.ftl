## 新客户欢迎信，简体中文

subject = 欢迎加入 Northwind Energy，{ $name }
preheader = 您的供电将于{ $date }开始。以下是入门指南。
sms = 【Northwind Energy】欢迎您！您的供电将于{ $date }开始。激活网上账户：{ $link }

# 地址行：城市与邮政编码。
address-locality = { $city } { $postal_code }

ref-customer = 客户编号
ref-account = 账户号码

title = 欢迎加入 Northwind Energy
greeting = 尊敬的{ $name }：
intro = 欢迎您，感谢您选择 Northwind Energy！我们已为您开通“{ $tariff }”套餐账户，并将自{ $date }起为您的家庭供应 100% 可再生能源电力。更换供电商无需您办理任何手续，我们会与您原来的供电商及电网运营商完成所有交接工作。

summary-customer = 客户编号
summary-tariff = 您的套餐
summary-start = 供电开始日期
summary-first-bill = 预计首张账单日期

steps-heading = 四步轻松开始
steps-intro = 现在花几分钟完成以下步骤，今后会更加省心：
step-account-title = 创建网上账户。
step-account-text = 在同一处查看账单、用电量和付款记录，并随时更新您的个人信息。
step-reading-title = 提交首次电表读数。
step-reading-text = 请在{ $date }（或前后五天内）抄读电表，并将读数告知我们，以确保您的首张账单准确无误。
step-debit-title = 开通自动扣款。
step-debit-text = 账单到期时自动扣款，再也不会错过付款。
step-app-title = 下载 Northwind App。
step-app-text = 逐日查看用电情况，获取节能建议，还可以用手机拍照提交电表读数。

activate = 激活我的账户
qr-caption = 使用手机相机扫描此二维码，即可激活您的网上账户。

closing = 祝您生活愉快！
signoff = Northwind Energy 团队

fine-print-privacy = 我们处理您的个人信息，用于向您供电及管理您的账户。详情请参阅我们的隐私政策：northwind.example/privacy。
fine-print-bill = 您的首张账单预计于{ $date }前后出具，涵盖自供电开始之日起的用电期间。此后每月出具一次账单，账单金额须在 14 日内支付。

# 品牌文本：电子邮件框架、打印框架及公共片段使用。

email-footer-reason = 您收到此邮件，是因为您是 { $company } 的客户。
email-preferences = 管理通讯偏好设置
email-unsubscribe = 退订
print-page = 第 { $page } 页，共 { $total } 页
contact-heading = 有疑问？
contact-text = 我们的客服团队周一至周五 8:00–18:00（欧洲中部时间）竭诚为您服务：请致电 { $phone }，或发送电子邮件至 { $email }。
signature-date-line = 地点、日期

# Offer texts: offer-<id>-title, -text, -cta.

offer-heat-pump-title = 更省钱的取暖方式
offer-heat-pump-text = 您冬季的用电量较高。Northwind 热泵最多可为您节省 40% 的取暖费用，零首付安装。
offer-heat-pump-cta = 免费获取报价

offer-green-tariff-title = 切换为 100% 可再生电力
offer-green-tariff-text = 我们的绿色套餐使用本地区的风能和太阳能发电，第一年电价不变。
offer-green-tariff-cta = 切换到绿色套餐

offer-paperless-title = 无纸化账单
offer-paperless-text = 通过电子邮件接收账单：更快捷、更环保，并随时可在网上账户中查看。
offer-paperless-cta = 改用电子账单

offer-summer-2025-title = 夏季优惠
offer-summer-2025-text = 夏季月份享受更低电价。
offer-summer-2025-cta = 了解更多


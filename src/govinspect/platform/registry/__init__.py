"""网站信息报送: regions (GB/T 2260), organisers, sites, new-media accounts."""

"""我为政府网站找错: the public's error reports, routed to the site owner, with reply deadlines."""

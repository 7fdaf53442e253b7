mod attr;

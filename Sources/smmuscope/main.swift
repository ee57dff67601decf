print("smmuscope")

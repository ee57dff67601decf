extension Walkthrough {
  static let memory = Walkthrough(
    name: "memory", title: "Memory: 64 devices without PASIDs share one domain",
    source: """
      step "64 devices, no PASID support, one domain"
      say "Each needs only CD 0. Legacy: one table for the domain. Per-master: one table per device: 64 x 4 KiB pages, or 64 x 64 bytes with compact tables (try: smmuscope compare)."
      master dev0 sid 0x100
      master dev1 sid 0x101
      master dev2 sid 0x102
      master dev3 sid 0x103
      master dev4 sid 0x104
      master dev5 sid 0x105
      master dev6 sid 0x106
      master dev7 sid 0x107
      master dev8 sid 0x108
      master dev9 sid 0x109
      master dev10 sid 0x10a
      master dev11 sid 0x10b
      master dev12 sid 0x10c
      master dev13 sid 0x10d
      master dev14 sid 0x10e
      master dev15 sid 0x10f
      master dev16 sid 0x110
      master dev17 sid 0x111
      master dev18 sid 0x112
      master dev19 sid 0x113
      master dev20 sid 0x114
      master dev21 sid 0x115
      master dev22 sid 0x116
      master dev23 sid 0x117
      master dev24 sid 0x118
      master dev25 sid 0x119
      master dev26 sid 0x11a
      master dev27 sid 0x11b
      master dev28 sid 0x11c
      master dev29 sid 0x11d
      master dev30 sid 0x11e
      master dev31 sid 0x11f
      master dev32 sid 0x120
      master dev33 sid 0x121
      master dev34 sid 0x122
      master dev35 sid 0x123
      master dev36 sid 0x124
      master dev37 sid 0x125
      master dev38 sid 0x126
      master dev39 sid 0x127
      master dev40 sid 0x128
      master dev41 sid 0x129
      master dev42 sid 0x12a
      master dev43 sid 0x12b
      master dev44 sid 0x12c
      master dev45 sid 0x12d
      master dev46 sid 0x12e
      master dev47 sid 0x12f
      master dev48 sid 0x130
      master dev49 sid 0x131
      master dev50 sid 0x132
      master dev51 sid 0x133
      master dev52 sid 0x134
      master dev53 sid 0x135
      master dev54 sid 0x136
      master dev55 sid 0x137
      master dev56 sid 0x138
      master dev57 sid 0x139
      master dev58 sid 0x13a
      master dev59 sid 0x13b
      master dev60 sid 0x13c
      master dev61 sid 0x13d
      master dev62 sid 0x13e
      master dev63 sid 0x13f
      domain shared paging
      attach shared dev0
      attach shared dev1
      attach shared dev2
      attach shared dev3
      attach shared dev4
      attach shared dev5
      attach shared dev6
      attach shared dev7
      attach shared dev8
      attach shared dev9
      attach shared dev10
      attach shared dev11
      attach shared dev12
      attach shared dev13
      attach shared dev14
      attach shared dev15
      attach shared dev16
      attach shared dev17
      attach shared dev18
      attach shared dev19
      attach shared dev20
      attach shared dev21
      attach shared dev22
      attach shared dev23
      attach shared dev24
      attach shared dev25
      attach shared dev26
      attach shared dev27
      attach shared dev28
      attach shared dev29
      attach shared dev30
      attach shared dev31
      attach shared dev32
      attach shared dev33
      attach shared dev34
      attach shared dev35
      attach shared dev36
      attach shared dev37
      attach shared dev38
      attach shared dev39
      attach shared dev40
      attach shared dev41
      attach shared dev42
      attach shared dev43
      attach shared dev44
      attach shared dev45
      attach shared dev46
      attach shared dev47
      attach shared dev48
      attach shared dev49
      attach shared dev50
      attach shared dev51
      attach shared dev52
      attach shared dev53
      attach shared dev54
      attach shared dev55
      attach shared dev56
      attach shared dev57
      attach shared dev58
      attach shared dev59
      attach shared dev60
      attach shared dev61
      attach shared dev62
      attach shared dev63
      legacy: expect cd-tables == 1
      legacy: paged: expect cd-table-bytes == 4096
      legacy: compact: expect cd-table-bytes == 64
      per-master: expect cd-tables == 64
      per-master: paged: expect cd-table-bytes == 262144
      per-master: compact: expect cd-table-bytes == 4096
      expect memory.stream-table-bytes == 20480
      expect hazards == 0
      """)
}

/// One verb of the scenario language: the table that drives the parser, the explorer's `:`
/// completion and the verb lists in help and errors. Adding a verb is one entry here (plus
/// its `ScenarioCommand` case and parse function).
package struct Verb: Sendable {
  /// The first word of the line.
  package let name: String
  /// The line's syntax, e.g. `detach MASTER [pasid P]`.
  package let usage: String
  /// One line of help.
  package let help: String
  /// Lines of this verb change the model (the lines `expect event/error/hazard` refer to), as
  /// opposed to narration, assertions and setup.
  package let isAction: Bool
  /// Parses the operands after the verb token.
  let parse: @Sendable (inout ScenarioParser, Token, inout Cursor) throws(Cursor.Failure) -> ScenarioCommand

  init(
    _ name: String, _ usage: String, _ help: String, action: Bool = true,
    _ parse:
      @escaping @Sendable (inout ScenarioParser, Token, inout Cursor) throws(Cursor.Failure) ->
      ScenarioCommand
  ) {
    self.name = name
    self.usage = usage
    self.help = help
    self.isAction = action
    self.parse = parse
  }

  /// Every verb, in the order the language reference lists them.
  package static let all: [Verb] = [
    Verb("design", "design legacy|per-master [compact] [invs]", "the design to model", action: false) {
      (p, v, c) throws(Cursor.Failure) in
      try p.parseDesign(v, &c)
    },
    Verb("smmu", "smmu " + SMMUSetting.usage, "SMMU features (SMMUSetting.all)", action: false) {
      (p, v, c) throws(Cursor.Failure) in try p.parseSMMU(v, &c)
    },
    Verb(
      "master", "master NAME sid SID[,SID...] [ssid-bits N] [ats [ats-always-on]] [stall] [group G] [rmr]",
      "probes a device"
    ) {
      (p, v, c) throws(Cursor.Failure) in
      try p.parseMaster(&c)
    },
    Verb(
      "domain",
      "domain NAME paging|s2|sva|identity|blocked [mm MM] | domain NAME s2 nest-parent | "
        + "domain NAME nested VIOMMU ste Q0 Q1",
      "allocates an iommu domain"
    ) { (p, v, c) throws(Cursor.Failure) in
      try p.parseDomain(v, &c)
    },
    Verb("viommu", "viommu NAME parent DOMAIN", "an iommufd vSMMU on a nest-parent S2 domain") {
      (p, v, c) throws(Cursor.Failure) in try p.parseVIOMMU(&c)
    },
    Verb("vdevice", "vdevice VIOMMU MASTER vsid N", "the guest's stream ID (vSID) for a master") {
      (p, v, c) throws(Cursor.Failure) in try p.parseVDevice(&c)
    },
    Verb(
      "guest",
      "guest VIOMMU write IPA VALUE | guest VIOMMU cmd NAME [OPERAND VALUE]... [; NAME ...]... | "
        + "guest VIOMMU domain NAME paging | guest VIOMMU map NAME IOVA [size N] [pa IPA] | "
        + "guest VIOMMU unmap NAME IOVA [size N] | guest VIOMMU attach NAME VSID [pasid P] | "
        + "guest VIOMMU detach VSID [pasid P]",
      "the guest behind a vSMMU: stores to its RAM, commands through the vSMMU, its driver"
    ) { (p, v, c) throws(Cursor.Failure) in try p.parseGuest(&c) },
    Verb("attach", "attach DOMAIN MASTER [pasid P]", "attaches a domain at the RID or a PASID") {
      (p, v, c) throws(Cursor.Failure) in
      try p.parseAttach(&c)
    },
    Verb("detach", "detach MASTER [pasid P]", "the RID goes to the blocked domain, or a PASID is removed") {
      (p, v, c) throws(Cursor.Failure) in
      try p.parseDetach(&c)
    },
    Verb("map", "map DOMAIN IOVA [size N] [pa PA]", "maps pages") { (p, v, c) throws(Cursor.Failure) in
      try p.parseMapping(v, &c)
    },
    Verb("unmap", "unmap DOMAIN IOVA [size N]", "unmaps pages, then invalidates") {
      (p, v, c) throws(Cursor.Failure) in try p.parseMapping(v, &c)
    },
    Verb("dma", "dma MASTER [pasid P] IOVA [read|write]", "a transaction through the hardware model") {
      (p, v, c) throws(Cursor.Failure) in
      try p.parseDMA(&c)
    },
    Verb(
      "explain", "explain dma MASTER [pasid P] IOVA [read|write]",
      "a DMA like dma, with its walk through the hardware recorded and reported"
    ) { (p, v, c) throws(Cursor.Failure) in try p.parseExplain(&c) },
    Verb("asid", "asid DOMAIN N", "moves a domain to another ASID") { (p, v, c) throws(Cursor.Failure) in
      try p.parseASID(&c)
    },
    Verb("free", "free DOMAIN", "frees an unattached domain") { (p, v, c) throws(Cursor.Failure) in
      try p.parseFree(&c)
    },
    Verb("remove", "remove MASTER", "the device goes away") { (p, v, c) throws(Cursor.Failure) in
      try p.parseRemove(&c)
    },
    Verb("release", "release MM", "the process exits with SVA binds active") {
      (p, v, c) throws(Cursor.Failure) in try p.parseRelease(&c)
    },
    Verb("flush", "flush DOMAIN", "the core's iommu_flush_iotlb_all: the domain's whole-context TLBI") {
      (p, v, c) throws(Cursor.Failure) in try p.parseFlush(&c)
    },
    Verb(
      "write",
      "write ste SID QWORD VALUE | write cd OWNER SSID QWORD VALUE | write l1std SID VALUE | "
        + "write l1cd OWNER INDEX VALUE | write mem ADDR VALUE",
      "a raw store into an entry, a descriptor or memory"
    ) { (p, v, c) throws(Cursor.Failure) in
      try p.parseWrite(&c)
    },
    Verb("smmuen", "smmuen 0|1", "clears or sets CR0.SMMUEN (while 0, GBPA aborts or bypasses)") {
      (p, v, c) throws(Cursor.Failure) in try p.parseSMMUEN(&c)
    },
    Verb(
      "ack", "ack evtq|cmdq",
      "software consumes a queue: evtq = every event record, acknowledging an overflow; cmdq = a "
        + "command-queue error, as Linux does (a CERROR_ILL command becomes a CMD_SYNC)"
    ) { (p, v, c) throws(Cursor.Failure) in try p.parseAck(&c) },
    Verb("cmd", "cmd NAME [OPERAND VALUE]... [retry|abort|term]", "a raw queue command") {
      (p, v, c) throws(Cursor.Failure) in
      try p.parseRawCommand(&c)
    },
    Verb("transition", "transition ste|cd FROM TO", "runs the entry writer on two entries") {
      (p, v, c) throws(Cursor.Failure) in
      try p.parseTransition(&c)
    },
    Verb(
      "begin", "begin \"NAME\"",
      "starts an operation: the lines up to `end` count as one for last.* and expect event/error/hazard",
      action: false
    ) { (p, v, c) throws(Cursor.Failure) in try p.parseBegin(v, &c) },
    Verb("end", "end", "ends the operation `begin` started", action: false) {
      (p, v, c) throws(Cursor.Failure) in try p.parseEnd(v)
    },
    Verb(
      "inject", "inject NAME... | inject none",
      "activates driver mutations from this line on (DriverMutation.table); none clears them",
      action: false
    ) { (p, v, c) throws(Cursor.Failure) in try p.parseInject(&c) },
    Verb("step", "step \"TITLE\"", "starts a step", action: false) { (p, v, c) throws(Cursor.Failure) in
      try p.parseText(v, &c)
    },
    Verb("say", "say \"TEXT\"", "narration", action: false) { (p, v, c) throws(Cursor.Failure) in
      try p.parseText(v, &c)
    },
    Verb(
      "expect", "expect PATH OP VALUE | expect event|error|hazard|check ...", "an assertion", action: false
    ) {
      (p, v, c) throws(Cursor.Failure) in
      try p.parseExpectation(&c)
    },
  ]

  /// The verbs by name.
  package static let named: [String: Verb] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

  /// The verbs' names, in table order.
  package static let names: [String] = all.map(\.name)
}

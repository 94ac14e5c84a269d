package app.loyalty.shared.domain.member;

/** Customers earn under the program's rules; staff under the staff rules of the same program. */
public enum MemberKind { CUSTOMER, STAFF }
